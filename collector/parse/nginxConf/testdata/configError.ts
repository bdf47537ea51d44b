// For the nginx config tests: the NginxConfigError a call throws (any other outcome fails the test).
import { NginxConfigError } from '../tokens';

export function configErrorOf(fn: () => unknown): NginxConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NginxConfigError) return e;
    throw e;
  }
  throw new Error('expected an NginxConfigError');
}
