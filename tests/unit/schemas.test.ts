import {
  actionResponseSchema,
  errorBodySchema,
  jobResponseSchema,
  missingServerObservation,
  projectsResponseSchema,
  serverListResponseSchema,
  serverShowResponseSchema,
  validateBody,
} from "../../provider/schemas";
import { describeValue } from "../../provider/issues";

/** The reference's job example, verbatim. */
const finishedJob = {
  status: "SUCCESS",
  entities: {
    sub_jobs_total: 1,
    sub_jobs: [
      {
        status: "SUCCESS",
        entities: { server_id: "bae51750-0089-41a1-9b18-5c777978ff6d" },
        job_id: "2c9eb2c5544cbf6101544f0635672b60",
        job_type: "createSingleServer",
        begin_time: "2016-04-25T20:04:47.591Z",
        end_time: "2016-04-25T20:08:21.328Z",
        error_code: null,
        fail_reason: null,
      },
    ],
  },
  job_id: "2c9eb2c5544cbf6101544f0602af2b4f",
  job_type: "createServer",
  begin_time: "2016-04-25T20:04:34.604Z",
  end_time: "2016-04-25T20:08:41.593Z",
  error_code: null,
  fail_reason: null,
};

describe("jobResponseSchema", () => {
  it("parses the documented example into the camelCase Job", () => {
    expect(validateBody(jobResponseSchema(), finishedJob)).toEqual({
      success: true,
      data: {
        jobId: "2c9eb2c5544cbf6101544f0602af2b4f",
        status: "SUCCESS",
        jobType: "createServer",
        beginTime: "2016-04-25T20:04:34.604Z",
        endTime: "2016-04-25T20:08:41.593Z",
        errorCode: undefined,
        failReason: undefined,
        subJobsTotal: 1,
        subJobs: [
          {
            jobId: "2c9eb2c5544cbf6101544f0635672b60",
            status: "SUCCESS",
            serverId: "bae51750-0089-41a1-9b18-5c777978ff6d",
            jobType: "createSingleServer",
            beginTime: "2016-04-25T20:04:47.591Z",
            endTime: "2016-04-25T20:08:21.328Z",
            errorCode: undefined,
            failReason: undefined,
            errorcodeMessage: undefined,
          },
        ],
      },
    });
  });

  it('reads a running job: end_time "", error fields absent', () => {
    const result = validateBody(jobResponseSchema(), {
      job_id: "j",
      status: "RUNNING",
      begin_time: "2024-01-15T08:30:00.000Z",
      end_time: "",
      entities: { sub_jobs: [{ status: "RUNNING", end_time: "", entities: { server_id: "s" } }] },
    });
    expect(result).toMatchObject({
      success: true,
      data: { status: "RUNNING", endTime: undefined, errorCode: undefined, subJobsTotal: undefined },
    });
    expect(result.success && result.data.subJobs[0]).toMatchObject({
      status: "RUNNING",
      serverId: "s",
      endTime: undefined,
    });
  });

  it("reads an INIT job without entities, and an unknown status as is", () => {
    expect(validateBody(jobResponseSchema(), { job_id: "j", status: "INIT" })).toMatchObject({
      success: true,
      data: { status: "INIT", subJobs: [] },
    });
    expect(validateBody(jobResponseSchema(), { job_id: "j", status: "INIT", entities: {} })).toMatchObject({
      success: true,
      data: { subJobs: [] },
    });
    expect(validateBody(jobResponseSchema(), { job_id: "j", status: "PENDING_PAYMENT" })).toMatchObject({
      success: true,
      data: { status: "PENDING_PAYMENT" },
    });
    expect(
      validateBody(jobResponseSchema(), { job_id: "j", status: "QUANTUM", entities: { sub_jobs: null } }),
    ).toMatchObject({
      success: true,
      data: { status: "QUANTUM", subJobs: [] },
    });
  });

  it("keeps a failed sub-job's code, reason and errorcode_message", () => {
    const result = validateBody(jobResponseSchema(), {
      job_id: "j",
      status: "FAIL",
      error_code: "Ecs.0611",
      fail_reason: "batch operation failed",
      entities: {
        sub_jobs_total: 2,
        sub_jobs: [
          { status: "SUCCESS", entities: { server_id: "a" } },
          {
            status: "FAIL",
            error_code: "Ecs.1000",
            fail_reason: "nova error",
            entities: { server_id: "b", errorcode_message: '{"x":1}' },
          },
        ],
      },
    });
    expect(result).toMatchObject({
      success: true,
      data: {
        errorCode: "Ecs.0611",
        failReason: "batch operation failed",
        subJobsTotal: 2,
        subJobs: [
          { status: "SUCCESS" },
          {
            status: "FAIL",
            serverId: "b",
            errorCode: "Ecs.1000",
            failReason: "nova error",
            errorcodeMessage: '{"x":1}',
          },
        ],
      },
    });
  });

  it.each([
    [
      { ...finishedJob, entities: { sub_jobs: [{}, {}, { status: 5 }] } },
      "entities.sub_jobs[0].status: missing (expected string) (and 2 more problems)",
    ],
    [
      { job_id: "j", status: "RUNNING", entities: { sub_jobs: [{ status: "OK" }, { status: "OK" }, { status: 5 }] } },
      "entities.sub_jobs[2].status: expected string, received number (5)",
    ],
    [{ job_id: "j", status: null }, "status: expected string, received null"],
    [{ status: "SUCCESS" }, "job_id: missing (expected string)"],
    [
      { job_id: "j", status: "SUCCESS", end_time: 1461614921 },
      "end_time: expected string, received number (1461614921)",
    ],
    [
      { job_id: "j", status: "SUCCESS", entities: { sub_jobs: {} } },
      "entities.sub_jobs: expected array, received object",
    ],
    [
      { job_id: "j", status: "SUCCESS", entities: { sub_jobs_total: -1 } },
      "entities.sub_jobs_total: Too small: expected number to be >=0, received number (-1)",
    ],
    [[finishedJob], "the body: expected object, received array (1 item)"],
    ["SUCCESS", 'the body: expected object, received string ("SUCCESS")'],
    [undefined, "the body: missing (expected object)"],
  ])("names the wrong field and what it received (%#)", (body, problem) => {
    expect(validateBody(jobResponseSchema(), body)).toEqual({ success: false, problem });
  });
});

describe("serverSchema via the list and show answers", () => {
  const active = {
    id: "a",
    status: "ACTIVE",
    "OS-EXT-STS:task_state": "powering-off",
    "OS-EXT-STS:vm_state": "active",
    "OS-EXT-STS:power_state": 1,
    locked: false,
    fault: null,
    name: "web-1",
    addresses: {},
    enterprise_project_id: "0",
  };
  /** The documented answer for an unknown id: every field null except id and fault. */
  const unknown = {
    id: "b",
    status: null,
    "OS-EXT-STS:task_state": null,
    "OS-EXT-STS:vm_state": null,
    "OS-EXT-STS:power_state": null,
    locked: null,
    fault: { code: 404, message: "Instance b could not be found", created: null },
  };

  it("maps servers to observations; an entry without status is not found", () => {
    expect(validateBody(serverListResponseSchema(), { count: 2, servers: [active, unknown] })).toEqual({
      success: true,
      data: {
        count: 2,
        servers: [
          {
            id: "a",
            name: "web-1",
            found: true,
            status: "ACTIVE",
            taskState: "powering-off",
            vmState: "active",
            powerState: 1,
            locked: false,
            fault: null,
            enterpriseProjectId: "0",
          },
          {
            id: "b",
            name: null,
            found: false,
            status: null,
            taskState: null,
            vmState: null,
            powerState: null,
            locked: null,
            fault: { code: 404, message: "Instance b could not be found" },
            enterpriseProjectId: null,
          },
        ],
      },
    });
  });

  it("treats absent or empty task_state / locked / enterprise_project_id as null", () => {
    const result = validateBody(serverShowResponseSchema(), {
      server: { id: "a", status: "SHUTOFF", "OS-EXT-STS:task_state": "" },
    });
    expect(result).toEqual({
      success: true,
      data: {
        server: {
          id: "a",
          name: null,
          found: true,
          status: "SHUTOFF",
          taskState: null,
          vmState: null,
          powerState: null,
          locked: null,
          fault: null,
          enterpriseProjectId: null,
        },
      },
    });
  });

  it.each([
    [{ servers: [active, { ...active, locked: "no" }] }, 'servers[1].locked: expected boolean, received string ("no")'],
    [{ servers: [{ ...active, id: 7 }] }, "servers[0].id: expected string, received number (7)"],
    [
      { servers: [{ ...active, "OS-EXT-STS:power_state": "running" }] },
      'servers[0]["OS-EXT-STS:power_state"]: expected number, received string ("running")',
    ],
    [{ count: 1 }, "servers: missing (expected array)"],
  ])("rejects a malformed list (%#)", (body, problem) => {
    expect(validateBody(serverListResponseSchema(), body)).toEqual({ success: false, problem });
  });

  it("missingServerObservation has the same shape as a parsed not-found entry", () => {
    const parsed = validateBody(serverListResponseSchema(), { servers: [{ ...unknown, fault: null }] });
    expect(parsed.success && parsed.data.servers[0]).toEqual(missingServerObservation("b"));
  });
});

describe("small answers", () => {
  it("action: a non-empty string job_id", () => {
    expect(validateBody(actionResponseSchema(), { job_id: "ff80" })).toEqual({
      success: true,
      data: { job_id: "ff80" },
    });
    expect(validateBody(actionResponseSchema(), { job_id: "" })).toMatchObject({
      success: false,
      problem: expect.stringMatching(/^job_id: Too small/),
    });
    expect(validateBody(actionResponseSchema(), { error_code: "Common.0024" })).toEqual({
      success: false,
      problem: "job_id: missing (expected string)",
    });
  });

  it("projects: id and name of each project", () => {
    expect(
      validateBody(projectsResponseSchema(), { projects: [{ id: "p", name: "cn-north-4", enabled: true }] }),
    ).toEqual({
      success: true,
      data: { projects: [{ id: "p", name: "cn-north-4" }] },
    });
    expect(validateBody(projectsResponseSchema(), { projects: [{ name: "cn-north-4" }] })).toEqual({
      success: false,
      problem: "projects[0].id: missing (expected string)",
    });
  });

  it("error bodies: nested, flat, and odd ones without failing", () => {
    const schema = errorBodySchema();
    expect(schema.parse({ error: { code: "Ecs.0005", message: "bad", details: [] } })).toMatchObject({
      error: { code: "Ecs.0005", message: "bad" },
    });
    expect(schema.parse({ error_code: "APIGW.0301", error_msg: "sig", request_id: "r" })).toMatchObject({
      error_code: "APIGW.0301",
      error_msg: "sig",
      request_id: "r",
    });
    expect(schema.parse({ error: "boom", error_code: 12 })).toMatchObject({ error: undefined, error_code: undefined });
  });
});

describe("describeValue", () => {
  it("shows enough to see the mistake, never a whole object", () => {
    expect(describeValue({ secret: "x" })).toBe("object");
    expect(describeValue([1, 2])).toBe("array (2 items)");
    expect(describeValue("x".repeat(100))).toBe(`string ("${"x".repeat(40)}…")`);
    expect(describeValue(true)).toBe("boolean (true)");
  });
});
