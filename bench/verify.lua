-- Verifications of random records: GET /api/v1/verify/{code} with a code drawn at
-- random from CODES_FILE for each request (or, with MODE=token, POST /api/v1/verify
-- with a token drawn from TOKENS_FILE).
local items = {}
local mode = os.getenv("MODE") or "code"

function init(args)
  local file = mode == "token" and os.getenv("TOKENS_FILE") or os.getenv("CODES_FILE")
  for line in io.lines(file) do items[#items + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local item = items[math.random(#items)]
  if mode == "token" then
    return wrk.format("POST", "/api/v1/verify", { ["Content-Type"] = "application/json" },
      '{"token":"' .. item .. '"}')
  end
  return wrk.format("GET", "/api/v1/verify/" .. item)
end
