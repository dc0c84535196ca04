import { checkInputs, UNKNOWN_VALUE } from "../../provider/inputs";

const A = "616fb98f-46ca-475e-917e-2563e5a8cd19";
const B = "726fb98f-46ca-475e-917e-2563e5a8cd20";

describe("checkInputs", () => {
  it("applies defaults, removes duplicates (any case) and sorts the ids, and keeps __provider", () => {
    const { inputs, failures } = checkInputs({ serverIds: [B, A, A.toUpperCase()], __provider: "code" });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({
      serverIds: [A, B],
      state: "stopped",
      stopType: "SOFT",
      timeoutSeconds: 900,
      onDelete: "leave",
      __provider: "code",
    });
  });

  it("names the property path, the value and the rule for each failure", () => {
    const { failures } = checkInputs({
      serverIds: [A, "web-1"],
      state: "off",
      stopType: "soft",
      timeoutSeconds: 0,
      hardStopAfterSeconds: 2.5,
    });
    expect(failures).toEqual([
      {
        property: "serverIds[1]",
        reason:
          'serverIds[1] "web-1" is invalid: expected an ECS server id (a UUID such as 616fb98f-46ca-475e-917e-2563e5a8cd19)',
      },
      { property: "state", reason: 'state "off" is invalid: expected "stopped" or "running"' },
      { property: "stopType", reason: 'stopType "soft" is invalid: expected "SOFT" or "HARD"; did you mean "SOFT"?' },
      {
        property: "hardStopAfterSeconds",
        reason: "hardStopAfterSeconds 2.5 is invalid: expected a whole number of seconds",
      },
      { property: "timeoutSeconds", reason: "timeoutSeconds 0 is invalid: expected at least 1 second" },
    ]);
  });

  it("requires a HARD stop to fall due before the deadline", () => {
    expect(checkInputs({ serverIds: [A], hardStopAfterSeconds: 900 }).failures).toEqual([
      {
        property: "hardStopAfterSeconds",
        reason:
          "hardStopAfterSeconds 900 is invalid: expected less than timeoutSeconds (900), or the HARD stop would never be sent",
      },
    ]);
    expect(checkInputs({ serverIds: [A], hardStopAfterSeconds: 120, timeoutSeconds: 600 }).failures).toEqual([]);
  });

  it("requires serverIds", () => {
    expect(checkInputs({ state: "running" }).failures).toEqual([
      {
        property: "serverIds",
        reason: "serverIds is required: expected a list of ECS server ids, or a selector (tags and/or name), or both",
      },
    ]);
  });

  it("rejects unknown inputs by name", () => {
    expect(checkInputs({ serverIds: [A], name: "x" }).failures).toEqual([
      { property: "name", reason: expect.stringContaining('"name" is not an input of ServerPowerState') },
    ]);
  });

  it("refuses credentials as inputs without echoing them", () => {
    const { failures } = checkInputs({ serverIds: [A], secretKey: "s3cr3t-value" });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("secretKey");
    expect(failures[0].reason).toContain("pulumi config set --secret");
    expect(JSON.stringify(failures)).not.toContain("s3cr3t-value");
  });

  it("tolerates unknown values during preview and still validates the rest", () => {
    expect(checkInputs({ serverIds: UNKNOWN_VALUE, state: "running" })).toEqual({
      inputs: { serverIds: UNKNOWN_VALUE, state: "running", stopType: "SOFT", timeoutSeconds: 900, onDelete: "leave" },
      failures: [],
    });
    const partly = checkInputs({ serverIds: [A, UNKNOWN_VALUE], state: UNKNOWN_VALUE });
    expect(partly.failures).toEqual([]);
    expect(partly.inputs).toMatchObject({ serverIds: [A, UNKNOWN_VALUE], state: UNKNOWN_VALUE });
    expect(checkInputs({ serverIds: [UNKNOWN_VALUE, "bad"] }).failures.map((f) => f.property)).toEqual([
      "serverIds[1]",
    ]);
  });

  it("validates the overrides", () => {
    const { failures } = checkInputs({ serverIds: [], region: "Beijing", projectId: "xyz", endpoint: "not a url" });
    expect(failures.map((f) => f.property)).toEqual(["region", "projectId", "endpoint"]);
    expect(checkInputs({ serverIds: [], endpoint: "https://ecs.example.com/" }).inputs.endpoint).toBe(
      "https://ecs.example.com",
    );
  });
});
