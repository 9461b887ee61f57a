// The completion scripts: each asks `octant-exec __complete` for the candidates of the word
// under the cursor, given the words before it, and falls back to file names when it has none
// (a --kubeconfig FILE, say). The logic lives in complete.ts, once for both shells.

export const completionScripts = {
  bash: `# octant-exec completion for bash. Load it with: source <(octant-exec completion bash)
_octant_exec() {
  local IFS=$'\\n'
  COMPREPLY=($(octant-exec __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _octant_exec octant-exec
`,
  zsh: `# octant-exec completion for zsh. Load it after compinit with: source <(octant-exec completion zsh)
_octant_exec() {
  local -a candidates
  candidates=("\${(@f)$(octant-exec __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then
    compadd -- "\${candidates[@]}"
  else
    compset -P '--*='  # --kubeconfig=FILE: file names after the =
    _files
  fi
}
compdef _octant_exec octant-exec
`,
} as const;
