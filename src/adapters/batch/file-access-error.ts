import { dirname } from 'node:path';

/** A file of the batch that cannot be opened, read or written: said in one line, without a stack. */
export class FileAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileAccessError';
  }

  /** The file-system error `error`, met reading or writing `path`, in words; any other error as it is. */
  static from(path: string, action: 'read' | 'write', error: unknown): unknown {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
    return new FileAccessError(`cannot ${action} ${path}: ${reasonOf(code, path, action) ?? (error as Error).message}`);
  }
}

function reasonOf(code: string, path: string, action: 'read' | 'write'): string | undefined {
  switch (code) {
    case 'ENOENT':
      return action === 'read' ? 'no such file' : `no such folder ${dirname(path)}`;
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return undefined;
  }
}
