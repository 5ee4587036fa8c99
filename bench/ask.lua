-- Questions to the learning assistant: POST /api/v1/assistant/ask with a question drawn
-- at random from QUESTIONS_FILE (one JSON string a line) as a learner drawn at random
-- from TOKENS_FILE (one access token a line). Each question starts a conversation.
local tokens = {}
local questions = {}

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
  for line in io.lines(os.getenv("QUESTIONS_FILE")) do questions[#questions + 1] = line end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
  }
  return wrk.format("POST", "/api/v1/assistant/ask", headers,
    '{"question":' .. questions[math.random(#questions)] .. '}')
end
