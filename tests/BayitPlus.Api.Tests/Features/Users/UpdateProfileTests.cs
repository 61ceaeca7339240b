using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

public sealed class UpdateProfileTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Profiles => api.Database.GetCollection<BsonDocument>("profile");

    private Task<List<BsonDocument>> ProfilesOfAsync(string userId) => Profiles.Find(new BsonDocument("user_id", userId)).ToListAsync(Http.Ct);

    [Fact]
    public async Task Put_stores_the_profile_with_the_spec_field_names()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PutJsonAsync("/api/users/me/profile", new
        {
            bio = "Loves documentaries",
            avatarUrl = "https://cdn.example.com/a.png",
            languagePreference = "en",
            subtitlePreferences = new { size = "large", color = "yellow" },
            playbackPreferences = new { autoplay = false, quality = 1080 },
        });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.Id, body["userId"]!.GetValue<string>());
        Assert.Equal("Loves documentaries", body["bio"]!.GetValue<string>());
        Assert.Equal("https://cdn.example.com/a.png", body["avatarUrl"]!.GetValue<string>());
        Assert.Equal("en", body["languagePreference"]!.GetValue<string>());
        Assert.Equal(1080, body["playbackPreferences"]!["quality"]!.GetValue<int>());
        var stored = Assert.Single(await ProfilesOfAsync(user.Id));
        Assert.Equal(BsonType.ObjectId, stored["_id"].BsonType);
        Assert.Equal(BsonType.String, stored["user_id"].BsonType);
        Assert.Equal("Loves documentaries", stored["bio"].AsString);
        Assert.Equal("https://cdn.example.com/a.png", stored["avatar_url"].AsString);
        Assert.Equal("en", stored["language_preference"].AsString);
        Assert.Equal("yellow", stored["subtitle_preferences"]["color"].AsString);
        Assert.False(stored["playback_preferences"]["autoplay"].AsBoolean);
    }

    [Fact]
    public async Task A_second_put_replaces_the_same_document_and_clears_absent_fields()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        await client.PutJsonAsync("/api/users/me/profile", new { bio = "First", avatarUrl = "http://example.com/x.jpg", languagePreference = "en", subtitlePreferences = new { size = "small" } });
        var first = Assert.Single(await ProfilesOfAsync(user.Id));

        var response = await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", playbackPreferences = new { speed = 1.5 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await ProfilesOfAsync(user.Id));
        Assert.Equal(first["_id"], stored["_id"]);
        Assert.False(stored.Contains("bio"));
        Assert.False(stored.Contains("avatar_url"));
        Assert.Equal("he", stored["language_preference"].AsString);
        Assert.Empty(stored["subtitle_preferences"].AsBsonDocument);
        Assert.Equal(1.5, stored["playback_preferences"]["speed"].AsDouble);
    }

    [Fact]
    public async Task Parallel_first_puts_leave_exactly_one_profile()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var bios = Enumerable.Range(0, 12).Select(i => $"bio {i}").ToList();

        var responses = await Task.WhenAll(bios.Select(bio => client.PutJsonAsync("/api/users/me/profile", new { bio, languagePreference = "en" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = Assert.Single(await ProfilesOfAsync(user.Id));
        Assert.Contains(stored["bio"].AsString, bios);
    }

    [Fact]
    public async Task Another_users_put_never_touches_my_profile()
    {
        var owner = await api.SignUpAsync();
        var other = await api.SignUpAsync();
        await api.ClientFor(owner).PutJsonAsync("/api/users/me/profile", new { bio = "Mine", languagePreference = "es" });

        var response = await api.ClientFor(other).PutJsonAsync("/api/users/me/profile", new { bio = "Theirs", languagePreference = "en", userId = owner.Id });
        var clean = await api.ClientFor(other).PutJsonAsync("/api/users/me/profile", new { bio = "Theirs", languagePreference = "en" });

        await response.AssertValidationProblemAsync("userId");
        Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        Assert.Equal("Mine", Assert.Single(await ProfilesOfAsync(owner.Id))["bio"].AsString);
        Assert.Equal("Theirs", Assert.Single(await ProfilesOfAsync(other.Id))["bio"].AsString);
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { $"{{\"bio\":\"{new string('b', 501)}\",\"languagePreference\":\"he\"}}", "bio" },
        { "{\"avatarUrl\":\"ftp://example.com/a.png\",\"languagePreference\":\"he\"}", "avatarUrl" },
        { "{\"avatarUrl\":\"/relative/a.png\",\"languagePreference\":\"he\"}", "avatarUrl" },
        { "{\"avatarUrl\":\"javascript:alert(1)\",\"languagePreference\":\"he\"}", "avatarUrl" },
        { $"{{\"avatarUrl\":\"https://example.com/{new string('a', 2030)}\",\"languagePreference\":\"he\"}}", "avatarUrl" },
        { "{\"languagePreference\":\"fr\"}", "languagePreference" },
        { "{\"bio\":\"no language\"}", "languagePreference" },
        { "{\"languagePreference\":\"he\",\"subtitlePreferences\":{\"$where\":1}}", "subtitlePreferences" },
        { "{\"languagePreference\":\"he\",\"playbackPreferences\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}}", "playbackPreferences" },
        { "{\"languagePreference\":\"he\",\"user_id\":\"x\"}", "user_id" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_profiles_are_400_naming_the_field_and_store_nothing(string json, string field)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PutAsync("/api/users/me/profile", new StringContent(json, Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertValidationProblemAsync(field);
        Assert.Empty(await ProfilesOfAsync(user.Id));
    }

    [Fact]
    public async Task Limits_hold_at_the_boundary()
    {
        var user = await api.SignUpAsync();
        var avatar = "https://example.com/" + new string('a', 2048 - "https://example.com/".Length);

        var response = await api.ClientFor(user).PutJsonAsync("/api/users/me/profile", new { bio = new string('b', 500), avatarUrl = avatar, languagePreference = "es" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(avatar, Assert.Single(await ProfilesOfAsync(user.Id))["avatar_url"].AsString);
    }

    [Fact]
    public async Task Without_a_token_it_is_401()
    {
        var response = await api.CreateClient().PutJsonAsync("/api/users/me/profile", new { languagePreference = "he" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_parental_limit_is_stored_in_preferences_kept_by_a_save_without_it_and_removed_by_null()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);

        var set = await (await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "he", maxAudience = "kids" })).ReadJsonAsync();
        var stored = Assert.Single(await ProfilesOfAsync(user.Id));
        var kept = await (await client.PutJsonAsync("/api/users/me/profile", new { languagePreference = "en", bio = "no limit field" })).ReadJsonAsync();
        var read = await (await client.GetAsync("/api/users/me/profile", Http.Ct)).ReadJsonAsync();
        var keptStored = Assert.Single(await ProfilesOfAsync(user.Id));
        using var removal = new StringContent("""{"languagePreference":"he","maxAudience":null}""", Encoding.UTF8, "application/json");
        var removed = await (await client.PutAsync("/api/users/me/profile", removal, Http.Ct)).ReadJsonAsync();

        Assert.Equal("kids", set["maxAudience"]!.GetValue<string>());
        Assert.Equal("kids", stored["preferences"]["max_audience"].AsString);
        Assert.False(stored.Contains("max_audience"));
        Assert.Equal("kids", kept["maxAudience"]!.GetValue<string>());
        Assert.Equal("en", kept["languagePreference"]!.GetValue<string>());
        Assert.Equal("kids", read["maxAudience"]!.GetValue<string>());
        Assert.Equal("kids", keptStored["preferences"]["max_audience"].AsString);
        Assert.Null(removed["maxAudience"]);
        Assert.False(Assert.Single(await ProfilesOfAsync(user.Id)).GetValue("preferences", new BsonDocument()).AsBsonDocument.Contains("max_audience"));
    }
}
