/** Where the `webrtc` adapters report what they deliberately ignore or recover from. */
export type TransportLogger = (level: 'debug' | 'warn', message: string, detail?: unknown) => void;

/** The default logger: `console.debug` / `console.warn`, prefixed. */
export const consoleTransportLogger: TransportLogger = (level, message, detail) => {
  const line = `[ngx-trtc-calling/webrtc] ${message}`;
  if (level === 'warn') console.warn(line, ...(detail === undefined ? [] : [detail]));
  else console.debug(line, ...(detail === undefined ? [] : [detail]));
};

/** A logger that drops everything (tests, benchmarks). */
export const silentTransportLogger: TransportLogger = () => undefined;
