-- Search requests for one or two catalog words in English, Hebrew or Spanish.
local words = { "night", "river", "city", "secret", "family", "journey", "desert", "light",
  "story", "home", "winter", "song", "%D7%9C%D7%99%D7%9C%D7%94", "%D7%A0%D7%94%D7%A8", "noche", "ciudad" }
math.randomseed(os.time())

request = function()
  local q = words[math.random(#words)]
  if math.random(2) == 1 then
    q = q .. "+" .. words[math.random(#words)]
  end
  return wrk.format("GET", "/api/search?q=" .. q .. "&limit=20")
end
