extern alias api;

using api::BayitPlus.Api.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Benchmarks;

/// <summary>Accounts a benchmark stores directly in <c>user</c> (active, role <c>user</c>), and
/// access tokens for them from the host's own issuer, so no run depends on sign-up or login.</summary>
internal static class BenchmarkAccounts
{
    public static Task StoreAsync(IMongoDatabase database, IEnumerable<ObjectId> ids, string name, DateTime now) =>
        database.GetCollection<BsonDocument>("user").InsertManyAsync(ids.Select(id => new BsonDocument
        {
            ["_id"] = id,
            ["email"] = Email(id),
            ["name"] = name,
            ["role"] = "user",
            ["is_active"] = true,
            ["created_at"] = now,
            ["updated_at"] = now,
        }));

    public static string Token(BenchmarkApiHost host, ObjectId id) =>
        host.Services.GetRequiredService<AccessTokenIssuer>().Issue(id.ToString(), Email(id), "user", null).Token;

    private static string Email(ObjectId id) => $"{id}@bayitplus.test";
}
