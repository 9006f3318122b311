-- bench/post.lua - wrk script: POST /r/TOKEN with a full pulse form, each
-- token once. wrk -s post.lua URL -- PER_THREAD [TOKENS_FILE]
-- Without a file, tokens are made up (t<thread>-<n>): the bare servers only
-- check that a token is not used twice. With a file (one token a line, as
-- carepulse issued them), thread k takes lines k, k+T, k+2T, ...; a thread
-- stops when its share is used up.
local nthreads = 0

function setup(thread)
	thread:set("tid", nthreads)
	nthreads = nthreads + 1
end

function init(args)
	per = tonumber(args[1]) or 1000000000
	tokens = nil
	if args[2] then
		tokens = {}
		local n = 0
		for line in io.lines(args[2]) do
			if n % (tonumber(args[3]) or 1) == tid then
				tokens[#tokens + 1] = line
			end
			n = n + 1
		end
		if #tokens < per then
			per = #tokens
		end
	end
	sent, answered = 0, 0
	body = "pulse.compassion=4&pulse.confidence=3&pulse.collaborative=5" ..
		"&pulse.contemplative=4&pulse.civil=4&pulse.curiosity=3" ..
		"&pulse.courage=4&pulse.attending=5&pulse.understanding=4" ..
		"&pulse.empathising=4&pulse.helping=3"
	headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
end

function request()
	sent = sent + 1
	local token
	if tokens then
		token = tokens[((sent - 1) % math.max(#tokens, 1)) + 1] or "none"
	else
		token = "t" .. tid .. "-" .. sent
	end
	return wrk.format("POST", "/r/" .. token, headers, body)
end

function response(status, headers, body)
	answered = answered + 1
	if answered >= per then
		wrk.thread:stop()
	end
end
