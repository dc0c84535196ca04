import { CLIENT_USER_AGENT } from "../../provider/constants";
import { name, version } from "../../package.json";

it("the User-Agent names this package and its version", () => {
  expect(CLIENT_USER_AGENT).toBe(`${name}/${version}`);
});
