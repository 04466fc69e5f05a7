/** Where `cascade citus …` writes: stdout for the plan, progress and SQL; stderr for refusals and failures. */
export interface CitusIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
