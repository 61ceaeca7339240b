using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Bson;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The spec's <c>profile</c> collection: one per user, kept apart from the account.</summary>
public sealed class ProfileDocument
{
    public const string CollectionName = "profile";

    public string Id { get; set; } = "";

    /// <summary>The user's id as a string, as the spec stores it.</summary>
    public required string UserId { get; set; }

    public string? Bio { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>he, en or es.</summary>
    public string LanguagePreference { get; set; } = Languages.Hebrew;

    public BsonDocument SubtitlePreferences { get; set; } = [];

    public BsonDocument PlaybackPreferences { get; set; } = [];

    /// <summary>This API's addition: the profile's preferences that are the API's to enforce
    /// (unlike the client's free-form subtitle and playback ones); absent until one is set.</summary>
    public ProfilePreferences? Preferences { get; set; }
}

/// <summary>The profile's <c>preferences</c> subdocument.</summary>
public sealed class ProfilePreferences
{
    /// <summary>The parental limit, the highest catalog audience (kids, family, general, mature)
    /// lists of what the user watched may show; absent for none.</summary>
    public string? MaxAudience { get; set; }
}

public sealed class ProfileIndexes : ICollectionIndexes
{
    public string CollectionName => ProfileDocument.CollectionName;

    public IEnumerable<CreateIndexModel<BsonDocument>> Indexes => [IndexModels.Unique("user_id")];
}

public static class Languages
{
    public const string Hebrew = "he";
    public const string English = "en";
    public const string Spanish = "es";

    public static readonly IReadOnlyList<string> All = [Hebrew, English, Spanish];
}
