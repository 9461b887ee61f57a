// How tar is run in a container: `env -u TAR_OPTIONS LC_ALL=C tar …`. Tar's messages are translated under the
// container's LANG/LC_ALL/LANGUAGE, and the server reads them: the one warning that leaves a
// download whole ("file changed as we read it", tar-warnings.ts) and the errors it turns into
// sentences (transfer-failure.ts: "Permission denied", "No such file or directory", …). An exec
// cannot set the process's environment, so `env` does; it is there wherever tar is (coreutils,
// busybox), and where it is missing the image has no tar either (distroless). GNU tar also reads
// options from TAR_OPTIONS, which an image may set (`--exclude=…`, `--to-stdout`, `--verbose`):
// a download or an upload must do what the server asked, so `env` unsets it (-u: coreutils,
// busybox and toybox all take it). Argv, never a shell.
export const tarCommand = (...args: string[]): string[] => ['env', '-u', 'TAR_OPTIONS', 'LC_ALL=C', 'tar', ...args];
