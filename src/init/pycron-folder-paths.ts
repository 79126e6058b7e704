// Where `pycron init` puts things under its prefix; the same names as the built-in defaults under /etc/pycron.
import path from 'node:path';

/** The files and folders of a pycron installation under one prefix (absolute paths). */
export interface PycronFolderPaths {
  config: string;
  jobs: string;
  logs: string;
  state: string;
}

export function pycronFolderPaths(prefix: string): PycronFolderPaths {
  return {
    config: path.join(prefix, 'config.ini'),
    jobs: path.join(prefix, 'jobs'),
    logs: path.join(prefix, 'logs'),
    state: path.join(prefix, 'persistence.json'),
  };
}
