// What an exec points at and how big its terminal is: shared by machines, adapters and the UI.
// Plain data only: no behaviour, no Kubernetes client types.

export interface ExecTarget {
  /** kubeconfig context; absent means the current one */
  context?: string;
  namespace: string;
  pod: string;
  container: string;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Why an exec could not run, in words the UI and the audit trail share. */
export type FailureReason =
  | 'forbidden' // RBAC: no `create` on `pods/exec`
  | 'unauthorized' // credentials missing, expired or invalid
  | 'notFound' // namespace, pod or container does not exist
  | 'containerNotRunning' // waiting, terminated, crash-looping
  | 'commandNotFound' // the executable is not in the container's PATH
  | 'connection' // the cluster could not be reached or refused the stream
  | 'unknown';

export interface ExecFailure {
  reason: FailureReason;
  /** a sentence a user can act on */
  message: string;
}
