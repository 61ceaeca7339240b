using System.Net;
using System.Text;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

/// <summary>Free-form values a client stores (preferences, profile settings) are refused when a
/// later read could not return them, and every read returns whatever the database holds, written by
/// this API or by another service.</summary>
public sealed class StoredValuesTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("{\"preferences\":{\"x\":1e400}}")]
    [InlineData("{\"preferences\":{\"x\":-1e400}}")]
    [InlineData("{\"preferences\":{\"x\":[1,{\"y\":1e309}]}}")]
    [InlineData("{\"preferences\":{\"a\\u0000b\":1}}")]
    [InlineData("{\"preferences\":{\"a\":\"b\\u0000c\"}}")]
    [InlineData("{\"preferences\":{\"a\":{\"$set\":1}}}")]
    [InlineData("{\"preferences\":{\"\":1}}")]
    public async Task A_value_a_later_read_could_not_return_is_a_400_and_nothing_is_stored(string body)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PatchAsync("/api/users/me", Json(body), Http.Ct);

        await response.AssertValidationProblemAsync("preferences");
        var stored = await Users.Find(new BsonDocument("_id", ObjectId.Parse(user.Id))).SingleAsync(Http.Ct);
        Assert.Equal(new BsonDocument(), stored["preferences"].AsBsonDocument);
    }

    [Theory]
    [InlineData("subtitlePreferences", "{\"size\":1e400}")]
    [InlineData("playbackPreferences", "{\"a\\u0000\":true}")]
    public async Task Profile_settings_follow_the_same_rule(string field, string value)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PutAsync("/api/users/me/profile", Json($"{{\"languagePreference\":\"he\",\"{field}\":{value}}}"), Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Key_and_string_lengths_are_bounded()
    {
        var client = api.ClientFor(await api.SignUpAsync());

        var longKey = await client.PatchJsonAsync("/api/users/me", new { preferences = new Dictionary<string, int> { [new string('k', 101)] = 1 } });
        var longString = await client.PatchJsonAsync("/api/users/me", new { preferences = new { note = new string('s', 4097) } });
        var atLimits = await client.PatchJsonAsync("/api/users/me", new { preferences = new Dictionary<string, string> { [new string('k', 100)] = new string('s', 4096) } });

        await longKey.AssertValidationProblemAsync("preferences");
        await longString.AssertValidationProblemAsync("preferences");
        Assert.Equal(HttpStatusCode.OK, atLimits.StatusCode);
    }

    [Fact]
    public async Task Whatever_another_service_stored_every_read_of_the_account_answers()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        BsonValue deep = new BsonDocument("leaf", 1);
        for (var level = 0; level < 80; level++)
        {
            deep = new BsonDocument("n", deep);
        }

        var poison = new BsonDocument
        {
            ["infinite"] = double.PositiveInfinity,
            ["negative"] = double.NegativeInfinity,
            ["nan"] = double.NaN,
            ["huge"] = Decimal128.MaxValue,
            ["far"] = new BsonDateTime(long.MaxValue),
            ["binary"] = new BsonBinaryData([1, 2, 3]),
            ["regex"] = new BsonRegularExpression("^a", "i"),
            ["deep"] = deep,
            ["a.b"] = "dotted",
            ["$op"] = "dollar",
        };
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("preferences", poison)), cancellationToken: Http.Ct);

        var me = await api.ClientFor(user).GetAsync("/api/users/me", Http.Ct);
        var list = await api.ClientFor(admin).GetAsync($"/api/admin/users?email={Uri.EscapeDataString(user.Email)}", Http.Ct);
        var patch = await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" });
        var audit = await api.ClientFor(admin).GetAsync($"/api/admin/audit?resourceId={user.Id}", Http.Ct);

        var body = await me.ReadAsync<System.Text.Json.Nodes.JsonObject>();
        Assert.Equal("Infinity", body["preferences"]!["infinite"]!.GetValue<string>());
        Assert.Equal("NaN", body["preferences"]!["nan"]!.GetValue<string>());
        Assert.Equal("dotted", body["preferences"]!["a.b"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Single((await list.ReadJsonAsync())["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
    }
}
