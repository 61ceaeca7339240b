-- Browse requests with varying filters and sorts, so the output cache sees many distinct queries.
local sections = { "movies", "series", "kids", "judaism", "documentaries", "news", "music", "comedy" }
local sorts = { "newest", "popular", "year", "rating" }
local formats = { "", "&format=movie", "&format=series", "&format=documentary" }
math.randomseed(os.time())

request = function()
  local path = string.format("/api/content?section=%s&sort=%s&yearFrom=%d&limit=20%s",
    sections[math.random(#sections)], sorts[math.random(#sorts)], math.random(1960, 2020), formats[math.random(#formats)])
  return wrk.format("GET", path)
end
