using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>A refresh token, stored only as its SHA-256 hash. Tokens of one sign-in form a family:
/// each refresh replaces the token with the next one, and presenting a replaced token again
/// revokes the whole family (the token was stolen, or the client is confused). Not in the spec:
/// this API's own collection, removed by TTL once expired.</summary>
public sealed class RefreshTokenDocument
{
    public const string CollectionName = "refreshtoken";

    public string Id { get; set; } = "";

    public required string UserId { get; set; }

    public required string TokenHash { get; set; }

    public required string FamilyId { get; set; }

    /// <summary>The hashed device id the family was issued to, when the client named one.</summary>
    public string? DeviceId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    /// <summary>Set when this token was exchanged for its successor.</summary>
    public DateTime? ReplacedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

public sealed class RefreshTokenIndexes : ICollectionIndexes
{
    public string CollectionName => RefreshTokenDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("token_hash"),
        IndexModels.Ascending("user_id"),
        IndexModels.Ascending("family_id"),
        IndexModels.Ttl("expires_at", TimeSpan.Zero),
    ];
}
