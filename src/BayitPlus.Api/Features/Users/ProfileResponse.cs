using System.Text.Json.Nodes;
using BayitPlus.Api.Infrastructure;
using Mapster;

namespace BayitPlus.Api.Features.Users;

/// <summary>A user's profile as the API shows it. <c>maxAudience</c>: the parental limit (kids, family,
/// general or mature; null for none): continue-watching and the watch history never show items above it.</summary>
public sealed record ProfileResponse(
    string UserId,
    string? Bio,
    string? AvatarUrl,
    string LanguagePreference,
    JsonObject SubtitlePreferences,
    JsonObject PlaybackPreferences,
    string? MaxAudience)
{
    /// <summary>What a user who never saved a profile sees.</summary>
    public static ProfileResponse Default(string userId) => new(userId, null, null, Languages.Hebrew, [], [], null);
}

public sealed class ProfileMappings : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ProfileDocument, ProfileResponse>()
        .Map(response => response.SubtitlePreferences, profile => JsonBson.ToJson(profile.SubtitlePreferences))
        .Map(response => response.PlaybackPreferences, profile => JsonBson.ToJson(profile.PlaybackPreferences))
        .Map(response => response.MaxAudience, profile => profile.Preferences == null ? null : profile.Preferences.MaxAudience);
}
