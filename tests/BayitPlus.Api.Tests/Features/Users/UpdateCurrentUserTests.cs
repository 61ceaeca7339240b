using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Users;

[Collection<FakeClockCollection>]
public sealed class UpdateCurrentUserTests(FakeClockApiFactory api)
{
    private IMongoCollection<BsonDocument> Users => api.Database.GetCollection<BsonDocument>("user");

    private Task<BsonDocument> StoredAsync(string id) => Users.Find(new BsonDocument("_id", ObjectId.Parse(id))).SingleAsync(Http.Ct);

    [Fact]
    public async Task Patch_changes_name_and_preferences_and_updated_at()
    {
        var user = await api.SignUpAsync();
        api.Clock.Advance(TimeSpan.FromMinutes(5));

        var response = await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { name = "  Noa  ", preferences = new { theme = "dark", autoplay = new { enabled = true, delay = 5 } } });

        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Noa", body["name"]!.GetValue<string>());
        Assert.Equal("dark", body["preferences"]!["theme"]!.GetValue<string>());
        Assert.Equal(5, body["preferences"]!["autoplay"]!["delay"]!.GetValue<int>());
        var stored = await StoredAsync(user.Id);
        Assert.Equal("Noa", stored["name"].AsString);
        Assert.Equal("dark", stored["preferences"]["theme"].AsString);
        Assert.True(stored["preferences"]["autoplay"]["enabled"].AsBoolean);
        Assert.Equal(api.Clock.GetUtcNow().UtcDateTime, stored["updated_at"].ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        Assert.True(stored["updated_at"].ToUniversalTime() > stored["created_at"].ToUniversalTime());
    }

    [Fact]
    public async Task Preferences_replace_the_stored_object_and_name_stays_when_absent()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        await client.PatchJsonAsync("/api/users/me", new { preferences = new { a = 1, b = 2 } });

        var response = await client.PatchJsonAsync("/api/users/me", new { preferences = new { c = 3 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await StoredAsync(user.Id);
        Assert.Equal(new BsonDocument("c", 3), stored["preferences"].AsBsonDocument);
        Assert.Equal("Test User", stored["name"].AsString);
    }

    [Theory]
    [InlineData("role", "\"admin\"")]
    [InlineData("isActive", "false")]
    [InlineData("subscriptionTier", "\"premium\"")]
    [InlineData("email", "\"other@example.com\"")]
    [InlineData("emailVerified", "true")]
    [InlineData("passwordHash", "\"$2a$04$abcdefghijklmnopqrstuu\"")]
    [InlineData("firebaseUid", "\"fb-1\"")]
    [InlineData("devices", "[]")]
    [InlineData("is_active", "false")]
    [InlineData("password_hash", "\"x\"")]
    [InlineData("Role", "\"admin\"")]
    public async Task Protected_fields_are_rejected_with_a_400_naming_them_and_nothing_changes(string field, string json)
    {
        var user = await api.SignUpAsync();
        var before = await StoredAsync(user.Id);
        var content = new StringContent($"{{\"name\":\"Changed\",\"{field}\":{json}}}", Encoding.UTF8, "application/json");

        var response = await api.ClientFor(user).PatchAsync("/api/users/me", content, Http.Ct);

        var problem = await response.AssertValidationProblemAsync(JsonNamingCamel(field));
        Assert.Contains("only name and preferences", problem["errors"]!.AsObject().Single().Value![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(user.Id));
    }

    [Fact]
    public async Task Several_protected_fields_are_each_named()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { role = "admin", isActive = true, subscriptionTier = "vip" });

        var problem = await response.AssertValidationProblemAsync("role", "isActive", "subscriptionTier");
        Assert.Equal("role cannot be set by this request; it accepts only name and preferences.", problem["errors"]!["role"]![0]!.GetValue<string>());
        Assert.Equal("user", (await StoredAsync(user.Id))["role"].AsString);
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"name\":\"   \"}", "name")]
    [InlineData("{\"preferences\":{\"$set\":1}}", "preferences")]
    [InlineData("{\"preferences\":{\"a.b\":1}}", "preferences")]
    [InlineData("{\"preferences\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{}}}}}}}", "preferences")]
    public async Task Invalid_values_are_400_naming_the_field(string json, string field)
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PatchAsync("/api/users/me", new StringContent(json, Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task Limits_on_name_and_preferences_hold_at_the_boundary()
    {
        var user = await api.SignUpAsync();
        var client = api.ClientFor(user);
        var fiftyKeys = new JsonObject(Enumerable.Range(0, 50).Select(i => KeyValuePair.Create<string, JsonNode?>($"k{i}", i)));
        var fiveLevels = JsonNode.Parse("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}")!.AsObject();

        var atLimit = await client.PatchJsonAsync("/api/users/me", new { name = new string('n', 100), preferences = fiftyKeys });
        var deepAtLimit = await client.PatchJsonAsync("/api/users/me", new { preferences = fiveLevels });
        var tooLong = await client.PatchJsonAsync("/api/users/me", new { name = new string('n', 101) });
        var tooManyKeys = await client.PatchJsonAsync("/api/users/me", new { preferences = new JsonObject(Enumerable.Range(0, 51).Select(i => KeyValuePair.Create<string, JsonNode?>($"k{i}", i))) });
        var tooBig = await client.PatchJsonAsync("/api/users/me", new { preferences = new { blob = new string('x', 16 * 1024) } });

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, deepAtLimit.StatusCode);
        await tooLong.AssertValidationProblemAsync("name");
        await tooManyKeys.AssertValidationProblemAsync("preferences");
        await tooBig.AssertValidationProblemAsync("preferences");
        Assert.Equal(new string('n', 100), (await StoredAsync(user.Id))["name"].AsString);
    }

    [Fact]
    public async Task Preferences_that_are_not_an_object_are_a_400_problem()
    {
        var user = await api.SignUpAsync();

        var response = await api.ClientFor(user).PatchAsync("/api/users/me", new StringContent("{\"preferences\":[1,2]}", Encoding.UTF8, "application/json"), Http.Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_deactivated_account_cannot_patch_and_no_token_is_401()
    {
        var user = await api.SignUpAsync();
        await Users.UpdateOneAsync(new BsonDocument("_id", ObjectId.Parse(user.Id)), new BsonDocument("$set", new BsonDocument("is_active", false)), cancellationToken: Http.Ct);

        var inactive = await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { name = "Back" });
        var anonymous = await api.CreateClient().PatchJsonAsync("/api/users/me", new { name = "Anyone" });

        await inactive.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var stored = await StoredAsync(user.Id);
        Assert.Equal("Test User", stored["name"].AsString);
        Assert.False(stored["is_active"].AsBoolean);
    }

    private static string JsonNamingCamel(string field) => char.ToLowerInvariant(field[0]) + field[1..];
}
