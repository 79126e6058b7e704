// A folder the test's user cannot write into. For a normal user, mode 0555 does it; root ignores modes, so for root
// the folder is made immutable (chattr +i), which stops root too, without dropping to another user who might not be
// able to read the checkout (a clone in a 0700 temporary folder). Returns the undo, for clean-up.
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

export function lockFolder(folder: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(folder, 0o555);
    return () => chmodSync(folder, 0o755);
  }
  try {
    execFileSync('chattr', ['+i', folder], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`cannot make ${folder} immutable for a root test (chattr +i, from e2fsprogs)`, { cause: error });
  }
  return () => execFileSync('chattr', ['-i', folder], { stdio: 'pipe' });
}
