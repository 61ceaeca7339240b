using System.Net;
using BayitPlus.Api.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Tests.Infrastructure;

public sealed class HealthAndIndexTests(ApiFactory api)
{
    [Fact]
    public async Task Liveness_answers_200()
    {
        var response = await api.CreateClient().GetAsync("/health/live", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Http.Ct));
    }

    [Fact]
    public async Task Readiness_answers_200_once_the_indexes_exist()
    {
        var response = await api.CreateClient().GetAsync("/health/ready", Http.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Http.Ct));
    }

    [Fact]
    public async Task The_user_collection_has_exactly_the_spec_indexes()
    {
        // The spec: email unique; firebase_uid unique and sparse; is_active; role; created_at descending.
        await AssertIndexesAsync("user",
            "_id_ {_id:1}",
            "email_1 {email:1} unique",
            "firebase_uid_1 {firebase_uid:1} unique sparse",
            "is_active_1 {is_active:1}",
            "role_1 {role:1}",
            "created_at_-1 {created_at:-1}");
    }

    [Fact]
    public async Task The_profile_collection_has_exactly_the_spec_indexes()
    {
        // The spec: user_id unique.
        await AssertIndexesAsync("profile",
            "_id_ {_id:1}",
            "user_id_1 {user_id:1} unique");
    }

    [Fact]
    public async Task The_refresh_token_collection_has_its_lookup_indexes_and_expires_by_ttl()
    {
        await AssertIndexesAsync("refreshtoken",
            "_id_ {_id:1}",
            "token_hash_1 {token_hash:1} unique",
            "user_id_1 {user_id:1}",
            "family_id_1 {family_id:1}",
            "expires_at_1 {expires_at:1} ttl=0");
    }

    private async Task AssertIndexesAsync(string collection, params string[] expected)
    {
        using var cursor = await api.Database.GetCollection<BsonDocument>(collection).Indexes.ListAsync(Http.Ct);
        var actual = (await cursor.ToListAsync(Http.Ct)).Select(Describe);

        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    /// <summary>An index as "name {key:direction,...} unique sparse ttl=seconds", only what it has.</summary>
    private static string Describe(BsonDocument index)
    {
        var keys = string.Join(',', index["key"].AsBsonDocument.Elements.Select(k => $"{k.Name}:{k.Value.ToInt32()}"));
        var description = $"{index["name"].AsString} {{{keys}}}";
        if (index.GetValue("unique", false).ToBoolean())
        {
            description += " unique";
        }

        if (index.GetValue("sparse", false).ToBoolean())
        {
            description += " sparse";
        }

        if (index.TryGetValue("expireAfterSeconds", out var ttl))
        {
            description += $" ttl={ttl.ToInt64()}";
        }

        return description;
    }
}
