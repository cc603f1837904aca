import { chooseLogFormat, cliLogger } from './log-output';

describe('calling-server log output', () => {
  it('is readable on a terminal and JSON anywhere else, unless CALLING_LOG_FORMAT says', () => {
    expect(chooseLogFormat({}, true)).toBe('pretty');
    expect(chooseLogFormat({}, false)).toBe('json');
    expect(chooseLogFormat({ CALLING_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(chooseLogFormat({ CALLING_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(chooseLogFormat({ CALLING_LOG_FORMAT: 'xml' }, false)).toBe('json');
  });

  it("leaves JSON to startServer's own logger and builds a pino-pretty one at the chosen level", async () => {
    expect(await cliLogger({}, 'json')).toBeUndefined();
    const logger = await cliLogger({ logLevel: 'warn' }, 'pretty');
    expect(logger?.level).toBe('warn');
  });
});
