// How the connections of the trigger sources stand, as GET /health and the service log report them.

/**
 * `off`: not configured (or stopped); `connecting`: the first attempt is under way; `connected`; `reconnecting`: the
 * connection was lost (or never made) and is retried with a growing delay.
 */
export type ConnectionState = 'off' | 'connecting' | 'connected' | 'reconnecting';

export interface TriggerStates {
  redis: ConnectionState;
  mqtt: ConnectionState;
}
