// Which of our options npm took for itself, read from the npm_config_ variables npm 11 sets (see
// test/scripts/start.test.ts for real npm doing it), and what the person is told to type instead.
import { describe, expect, it } from 'vitest';
import { flagsNpmTook, npmTookMessage } from '../../../../main/cli/kit/options.js';

/** What npm 11 leaves in a script's environment besides the options: none of them are ours. */
const NPM_ENV = {
  npm_lifecycle_event: 'start',
  npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
  npm_config_cache: '/root/.npm',
  npm_config_prefix: '/usr',
  npm_config_audit: '',
  npm_config_fund: '',
};

describe('flagsNpmTook', () => {
  it('finds nothing in a plain npm run', () => {
    expect(flagsNpmTook(NPM_ENV, [])).toBeUndefined();
  });

  it('pairs a lone option with the word npm passed on', () => {
    // npm start --port 0
    expect(npmTookMessage({ ...NPM_ENV, npm_config_port: 'true' }, ['0'])).toBe(
      'npm took --port for itself: run npm start -- --port 0',
    );
    // npm start --port=0: npm kept the value, nothing reached us.
    expect(npmTookMessage({ ...NPM_ENV, npm_config_port: '0' }, [])).toBe(
      'npm took --port for itself: run npm start -- --port 0',
    );
  });

  it('does not guess which word went with which option', () => {
    // npm start --port 0 --data /tmp/x: the environment does not keep the order they were typed in.
    const took = flagsNpmTook({ ...NPM_ENV, npm_config_data: 'true', npm_config_port: 'true' }, [
      '0',
      '/tmp/x',
    ]);
    expect(took?.flags).toEqual(['--data', '--port']);
    expect(took?.meant).toBe('--data … --port …');
  });

  it('reads --no-start and booleans, and leaves npm its own settings', () => {
    expect(flagsNpmTook({ ...NPM_ENV, npm_config_start: '', npm_config_open: 'true' }, [])?.meant).toBe(
      '--no-start --open',
    );
    // --json, --verbose (npm's loglevel), --help and --version are npm's as much as ours.
    expect(
      flagsNpmTook({ ...NPM_ENV, npm_config_json: 'true', npm_config_loglevel: 'verbose' }, []),
    ).toBeUndefined();
  });

  it('names the npm command that ran us and quotes values for the shell', () => {
    expect(
      npmTookMessage({ ...NPM_ENV, npm_lifecycle_event: 'serve', npm_config_data: '/tmp/my data' }, []),
    ).toBe("npm took --data for itself: run npm run serve -- --data '/tmp/my data'");
    expect(
      npmTookMessage(
        { ...NPM_ENV, npm_lifecycle_event: 'ccstudio', npm_config_port: 'true' },
        ['0'],
        'serve',
      ),
    ).toBe('npm took --port for itself: run npm run ccstudio -- serve --port 0');
  });
});
