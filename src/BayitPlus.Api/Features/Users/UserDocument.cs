using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The spec's <c>user</c> collection: accounts, devices and preferences.</summary>
public sealed class UserDocument
{
    public const string CollectionName = "user";

    public string Id { get; set; } = "";

    /// <summary>Trimmed and lowercased (see <see cref="Emails.Normalize"/>), unique.</summary>
    public required string Email { get; set; }

    public required string Name { get; set; }

    public string? FirebaseUid { get; set; }

    /// <summary>BCrypt hash; absent for accounts that only sign in through Firebase.</summary>
    public string? PasswordHash { get; set; }

    public bool IsActive { get; set; } = true;

    public string Role { get; set; } = Infrastructure.Auth.Roles.User;

    public string? SubscriptionTier { get; set; }

    public List<DeviceDocument> Devices { get; set; } = [];

    public BsonDocument Preferences { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? LastLogin { get; set; }

    /// <summary>Set when the user deletes the account; with <see cref="AnonymizeAfter"/> it drives
    /// the spec's 30-day anonymization.</summary>
    public DateTime? DeletedAt { get; set; }

    public DateTime? AnonymizeAfter { get; set; }
}

/// <summary>The spec's Device sub-document.</summary>
public sealed class DeviceDocument
{
    /// <summary>SHA-256 (hex) of the client's own device identifier.</summary>
    public required string DeviceId { get; set; }

    public required string DeviceName { get; set; }

    /// <summary>mobile, desktop, tv or tablet.</summary>
    public required string DeviceType { get; set; }

    public string? Browser { get; set; }

    public string? Os { get; set; }

    public string? Platform { get; set; }

    public string? IpAddress { get; set; }

    public DateTime LastActive { get; set; }

    public DateTime RegisteredAt { get; set; }

    public bool IsCurrent { get; set; }
}

public sealed class UserIndexes : ICollectionIndexes
{
    public string CollectionName => UserDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes =>
    [
        IndexModels.Unique("email"),
        IndexModels.Unique("firebase_uid", sparse: true),
        IndexModels.Ascending("is_active"),
        IndexModels.Ascending("role"),
        IndexModels.Descending("created_at"),
    ];
}

public static class Emails
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}
