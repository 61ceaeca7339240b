using System.Net;
using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Features.Audit;

/// <summary>The trail is stored in the spec's snake_case and shown in the API's camelCase, but the
/// keys a client chose inside free-form values come back exactly as sent.</summary>
public sealed class AuditNamingTests(ApiFactory api)
{
    private IMongoCollection<BsonDocument> Trail => api.Database.GetCollection<BsonDocument>("auditlog");

    private async Task<HttpClient> AdminAsync() => (await api.SignedInClientAsync("admin")).Client;

    private async Task<BsonDocument> StoredAsync(string resourceId, string actionType) =>
        await Trail.Find(new BsonDocument { ["resource_id"] = resourceId, ["action_type"] = actionType }).SingleAsync(Http.Ct);

    private async Task<JsonNode> ShownChangesAsync(string resourceId, string actionType)
    {
        var page = await (await (await AdminAsync()).GetAsync($"/api/admin/audit?resourceId={resourceId}&actionType={actionType}", Http.Ct)).ReadAsync<JsonObject>();
        return Assert.Single(page["items"]!.AsArray())!["changes"]!;
    }

    private static string[] Keys(JsonNode? node) => [.. node!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_status_change_shows_camel_case_field_names_and_stays_snake_case_in_storage()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { isActive = false })).StatusCode);

        var shown = await ShownChangesAsync(user.Id, "user.status_changed");
        var stored = await StoredAsync(user.Id, "user.status_changed");

        Assert.Equal(["isActive", "updatedAt"], Keys(shown["before"]));
        Assert.Equal(["isActive", "updatedAt"], Keys(shown["after"]));
        Assert.True(shown["before"]!["isActive"]!.GetValue<bool>());
        Assert.False(shown["after"]!["isActive"]!.GetValue<bool>());
        Assert.Equal(["is_active", "updated_at"], stored["changes"]["after"].AsBsonDocument.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_role_change_shows_camel_case_field_names()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" })).StatusCode);

        var shown = await ShownChangesAsync(user.Id, "user.role_changed");

        Assert.Equal(["role", "updatedAt"], Keys(shown["after"]));
        Assert.Equal("user", shown["before"]!["role"]!.GetValue<string>());
        Assert.Equal("beta", shown["after"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_preferences_change_shows_the_clients_own_keys_exactly_as_sent()
    {
        var user = await api.SignUpAsync();
        var preferences = new JsonObject
        {
            ["theme"] = "dark",
            ["my_setting"] = new JsonObject { ["nested_key"] = 1, ["is_active"] = true },
            ["_id"] = "mine",
        };
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(user).PatchJsonAsync("/api/users/me", new { preferences })).StatusCode);

        var shown = await ShownChangesAsync(user.Id, "user.updated");
        var stored = await StoredAsync(user.Id, "user.updated");

        Assert.Equal(["preferences", "updatedAt"], Keys(shown["after"]));
        Assert.True(JsonNode.DeepEquals(preferences, shown["after"]!["preferences"]));
        Assert.Equal(["preferences", "updated_at"], stored["changes"]["after"].AsBsonDocument.Names.Order(StringComparer.Ordinal));
        Assert.Equal(1, stored["changes"]["after"]["preferences"]["my_setting"]["nested_key"].AsInt32);
    }

    [Fact]
    public async Task A_profile_shows_its_field_names_in_camel_case_and_its_preferences_as_sent()
    {
        var user = await api.SignUpAsync();
        var subtitles = new JsonObject { ["font_size"] = "large", ["BackgroundColour"] = "black" };
        var response = await api.ClientFor(user).PutJsonAsync("/api/users/me/profile", new { languagePreference = "en", subtitlePreferences = subtitles });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var shown = await ShownChangesAsync(user.Id, "profile.updated");
        var stored = await StoredAsync(user.Id, "profile.updated");

        Assert.Contains("subtitlePreferences", Keys(shown["after"]));
        Assert.Contains("languagePreference", Keys(shown["after"]));
        Assert.Contains("userId", Keys(shown["after"]));
        Assert.Contains("id", Keys(shown["after"]));
        Assert.DoesNotContain(Keys(shown["after"]), key => key.Contains('_', StringComparison.Ordinal));
        Assert.True(JsonNode.DeepEquals(subtitles, shown["after"]!["subtitlePreferences"]));
        Assert.Equal("large", stored["changes"]["after"]["subtitle_preferences"]["font_size"].AsString);
        Assert.Equal("en", stored["changes"]["after"]["language_preference"].AsString);
    }

    [Fact]
    public async Task A_removed_device_shows_its_nested_fields_in_camel_case()
    {
        var user = await api.SignUpAsync();
        var phone = await api.AddDeviceAsync(user.Id, "Phone");
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor(user).DeleteAsync($"/api/users/me/devices/{phone}", Http.Ct)).StatusCode);

        var shown = await ShownChangesAsync(user.Id, "user.device_removed");

        var device = Assert.Single(shown["before"]!["devices"]!.AsArray())!;
        Assert.Equal(phone, device["deviceId"]!.GetValue<string>());
        Assert.Equal("Phone", device["deviceName"]!.GetValue<string>());
        Assert.Empty(shown["after"]!["devices"]!.AsArray());
    }

    [Fact]
    public async Task Security_event_details_show_camel_case_keys_and_stay_snake_case_in_storage()
    {
        var admin = await api.SignUpAsync(role: "admin");
        var user = await api.SignUpAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor(admin).PatchJsonAsync($"/api/admin/users/{user.Id}", new { role = "beta" })).StatusCode);
        var stored = Assert.Single(await api.StoredEventsAsync(new BsonDocument { ["user_id"] = user.Id, ["event_type"] = "role_changed" }));

        var page = await (await api.ClientFor(admin).GetAsync($"/api/admin/security-events?userId={user.Id}&eventType=role_changed", Http.Ct)).ReadAsync<JsonObject>();

        var details = Assert.Single(page["items"]!.AsArray())!["details"]!;
        Assert.Equal(["changedBy", "from", "to"], Keys(details));
        Assert.Equal(admin.Id, details["changedBy"]!.GetValue<string>());
        Assert.Equal(admin.Id, stored["details"]["changed_by"].AsString);
    }

    [Theory]
    [InlineData("subscription_tier", "subscriptionTier")]
    [InlineData("is_active", "isActive")]
    [InlineData("title_en", "titleEn")]
    [InlineData("_id", "id")]
    [InlineData("role", "role")]
    [InlineData("alreadyCamel", "alreadyCamel")]
    [InlineData("_cls", "_cls")]
    [InlineData("trailing_", "trailing_")]
    public void Stored_names_map_to_api_names(string stored, string api) =>
        Assert.Equal(api, ApiFieldNames.ToApiName(stored));

    [Fact]
    public void Free_form_fields_are_found_from_the_document_classes()
    {
        Assert.Superset(new HashSet<string> { "preferences", "subtitle_preferences", "playback_preferences" }, ApiFieldNames.FreeForm.ToHashSet());
        Assert.DoesNotContain("devices", ApiFieldNames.FreeForm);
        Assert.DoesNotContain("role", ApiFieldNames.FreeForm);
    }
}
