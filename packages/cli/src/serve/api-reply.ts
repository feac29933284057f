/** A handler answer other than a plain 200 JSON body (e.g. 202 with progress). */
export class ApiReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}
