// A pod named as NAMESPACE/POD (exec, attach, debug) or NAMESPACE/POD:PATH (cp) beside a -n that
// says another namespace is a slip in one of them: which was meant cannot be guessed, so both
// commands refuse it before the server is asked rather than act in either namespace.
import { UsageError } from './usage.ts';

/** The namespace the operand gives, else -n's; undefined when neither does. Throws when they differ. */
export function oneNamespace(operand: string | undefined, flag: string | undefined): string | undefined {
  if (operand !== undefined && flag !== undefined && operand !== flag) {
    throw new UsageError(`the pod says namespace "${operand.slice(0, 63)}" and -n says "${flag.slice(0, 63)}": give one`);
  }
  return operand ?? flag;
}
