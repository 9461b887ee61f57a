# octant-exec's image for a team install (deploy/, docs/team-mode.md): the package built and packed
# in one stage, then installed as a user installs it (`npm install -g` of the packed tarball) in a
# slim Node 26 stage (the active LTS line since October 2026, supported until April 2029; Node
# 20's support ended in April 2026) on Debian 13, that runs it as user 10001, who owns nothing
# but the state directory.
#
# This file is not built on the project's own machines: they have no Docker engine and reach no
# image registry. What is checked instead: tests/deploy/manifests.test.ts (the stages, the user,
# the port, the entry point and the state directory, against deploy/),
# tests/deploy/dockerfile-build-stage.test.ts (this build stage's steps run as written, outside
# Docker, leaving the tarball where the second stage takes it), and tests/cli/package.test.ts
# (`npm pack` of the checkout installed offline into an empty folder, and the installed
# `octant-exec` run by Node alone, which is what the second stage does, also by the Node of this
# file's FROM: tests/support/image-node.ts).
#
#   docker build -t registry.example.com/octant-exec:0.1.0 .

FROM node:26-trixie-slim AS build
WORKDIR /src
# the dependencies first, so a change to the code does not fetch them again
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# what the build and the package need of the checkout (as tests/support/package-install.ts copies it)
COPY tsconfig.json README.md LICENSE ./
COPY docs/ docs/
COPY bin/ bin/
COPY scripts/ scripts/
COPY src/ src/
COPY ui/ ui/
COPY deploy/ deploy/
# dist/, then the tarball `npm publish` would upload (--ignore-scripts: prepack would build again;
# npm does not make the destination folder)
RUN npm run build
RUN mkdir -p /pack && npm pack --ignore-scripts --pack-destination /pack

FROM node:26-trixie-slim
ENV NODE_ENV=production
COPY --from=build /pack/ /pack/
# Only the runtime dependency is fetched (node-pty's prebuilt binary); the rest is bundled in dist/.
RUN npm install -g --omit=dev --no-audit --no-fund /pack/octant-exec-*.tgz && rm -rf /pack /root/.npm
# The state directory (deploy/ mounts a volume here and passes --state-dir); the root filesystem
# stays read-only at run time.
RUN mkdir -p /var/lib/octant-exec && chown 10001:10001 /var/lib/octant-exec && chmod 0700 /var/lib/octant-exec
USER 10001:10001
WORKDIR /var/lib/octant-exec
ENV HOME=/var/lib/octant-exec
# so that the default state directory ($XDG_STATE_HOME/octant-exec) is the manifests' --state-dir:
# `octant-exec log stats|verify|export` run in the pod read the server's log with no flag
ENV XDG_STATE_HOME=/var/lib
# the app; and the metrics, where --metrics-address puts them (the manifests in deploy/ do)
EXPOSE 7788 9464
ENTRYPOINT ["octant-exec"]
CMD ["serve", "--help"]
