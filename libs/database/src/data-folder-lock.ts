import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** Raised when another live process already uses the PGlite data folder. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${pid}. PGlite allows one process per folder: ` +
        'stop that process, or set WAYLINE_DATA_DIR to another folder, or use PostgreSQL (DATABASE_URL) for several processes.',
    );
    this.name = 'DataFolderInUseError';
  }
}

/**
 * A lock file (`wayline.pid`) that keeps a second process from opening the same PGlite
 * folder, which would corrupt it. A lock left by a process that no longer runs is taken over.
 */
export class DataFolderLock {
  private constructor(private readonly file: string) {}

  static async acquire(dataDir: string): Promise<DataFolderLock> {
    const file = path.join(dataDir, 'wayline.pid');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(file, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        return new DataFolderLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw error;
        }
      }
      const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DataFolderInUseError(dataDir, holder);
      }
      // The holder is gone (killed, crashed), so its lock is stale.
      await rm(file, { force: true });
    }
    throw new Error(`Could not take the lock file ${file}; another process keeps recreating it`);
  }

  async release(): Promise<void> {
    await rm(this.file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
