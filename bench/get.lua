-- GET requests to paths drawn at random from PATHS_FILE (one path a line), with the
-- bearer token in TOKEN when set.
local paths = {}
local token = os.getenv("TOKEN")

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
  math.randomseed(seed)
end

function request()
  local headers = {}
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
