// Colour only for a person at a terminal: never in a pipe or a file, and never when NO_COLOR is set (no-color.org).

export function stdoutWantsColour(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}
