-- Verifications of random records: GET /api/v1/verify/{code} with a code drawn at
-- random from CODES_FILE for each request (or, with MODE=token, POST /api/v1/verify
-- with a token drawn from TOKENS_FILE). Requests are formatted once, in init: wrk runs
-- on the same cores as the server, and building a 2 KB body per request in Lua would
-- measure the client.
local requests = {}
local mode = os.getenv("MODE") or "code"

function init(args)
  local file = mode == "token" and os.getenv("TOKENS_FILE") or os.getenv("CODES_FILE")
  for item in io.lines(file) do
    if mode == "token" then
      requests[#requests + 1] = wrk.format("POST", "/api/v1/verify",
        { ["Content-Type"] = "application/json" }, '{"token":"' .. item .. '"}')
    else
      requests[#requests + 1] = wrk.format("GET", "/api/v1/verify/" .. item)
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return requests[math.random(#requests)]
end
