-- wrk: 16 pipelined GET / per write (TechEmpower's plaintext load), for cpu-per-request.sh and cpu-pairs.sh
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, "/") end
  req = table.concat(r)
end
request = function() return req end
