using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The body of <c>PUT /api/users/me/profile</c>: the whole profile; only the language is required.</summary>
[ValidatedAs(typeof(UpdateProfile.Command))]
public sealed record UpdateProfileRequest(string? LanguagePreference)
{
    public string? Bio { get; init; }

    public string? AvatarUrl { get; init; }

    public JsonObject? SubtitlePreferences { get; init; }

    public JsonObject? PlaybackPreferences { get; init; }

    /// <summary>The parental limit: kids, family, general or mature; null removes it, and leaving
    /// it out keeps the stored one.</summary>
    public string? MaxAudience
    {
        get;
        init
        {
            field = value;
            MaxAudienceSent = true;
        }
    }

    /// <summary>Whether the body named maxAudience at all (the JSON reader calls its setter only
    /// then, for null too): a client that predates the field must not lift a parental limit by
    /// saving the rest of the profile.</summary>
    [JsonIgnore]
    public bool MaxAudienceSent { get; private init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Saves the signed-in user's profile as a whole (PUT: an absent or null field is cleared),
/// except the parental limit, which only an explicit <c>maxAudience</c> changes (null removes it).
/// The profile is keyed by the caller's own id, so no request can reach another user's.</summary>
public static class UpdateProfile
{
    public const int MaxBioLength = 500;
    public const int MaxAvatarUrlLength = 2048;

    public sealed record Command(
        string UserId,
        string? Bio,
        string? AvatarUrl,
        string? LanguagePreference,
        JsonObject? SubtitlePreferences,
        JsonObject? PlaybackPreferences,
        string? MaxAudience,
        bool MaxAudienceSent,
        IReadOnlyList<string> UnknownFields) : ICommand<ProfileResponse>, IAuditedCommand
    {
        // The profile is found by its owner: the caller knows the user id, not the profile's own.
        AuditTarget IAuditedCommand.Audit => new("profile.updated", "profile", ProfileDocument.CollectionName, UserId, "user_id");
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(UpdateProfileRequest));
            RuleFor(c => c.Bio).MaximumLength(MaxBioLength).WithMessage($"Bio must be at most {MaxBioLength} characters long.");
            RuleFor(c => c.AvatarUrl!).Cascade(CascadeMode.Stop)
                .MaximumLength(MaxAvatarUrlLength).WithMessage($"Avatar URL must be at most {MaxAvatarUrlLength} characters long.")
                .AbsoluteHttpUri().WithMessage("Avatar URL must be an absolute http or https URL.")
                .When(c => c.AvatarUrl is not null);
            RuleFor(c => c.LanguagePreference).NotEmpty().WithMessage("Language preference is required.")
                .OneOf(Languages.All).WithMessage($"Language preference must be one of: {string.Join(", ", Languages.All)}.");
            RuleFor(c => c.SubtitlePreferences).Storable();
            RuleFor(c => c.PlaybackPreferences).Storable();
            RuleFor(c => c.MaxAudience).OneOf(Audiences.Ordered).WithMessage($"Max audience must be one of: {string.Join(", ", Audiences.Ordered)}.");
        }
    }

    public sealed class Handler(MongoContext db) : ICommandHandler<Command, ProfileResponse>
    {
        public async ValueTask<ProfileResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(command.UserId, cancellationToken);
            var set = Builders<ProfileDocument>.Update;
            var subtitles = command.SubtitlePreferences ?? [];
            var playback = command.PlaybackPreferences ?? [];
            var changes = new List<UpdateDefinition<ProfileDocument>>
            {
                set.Set(p => p.LanguagePreference, command.LanguagePreference!),
                set.Set(p => p.SubtitlePreferences, JsonBson.ToBson(subtitles)),
                set.Set(p => p.PlaybackPreferences, JsonBson.ToBson(playback)),
                command.Bio is null ? set.Unset(p => p.Bio) : set.Set(p => p.Bio, command.Bio),
                command.AvatarUrl is null ? set.Unset(p => p.AvatarUrl) : set.Set(p => p.AvatarUrl, command.AvatarUrl),
            };
            if (command.MaxAudienceSent)
            {
                changes.Add(command.MaxAudience is null ? set.Unset(p => p.Preferences!.MaxAudience) : set.Set(p => p.Preferences!.MaxAudience, command.MaxAudience));
            }

            var filter = Builders<ProfileDocument>.Filter.Eq(p => p.UserId, user.Id);
            var options = new FindOneAndUpdateOptions<ProfileDocument, ProfilePreferences?>
            {
                IsUpsert = true,
                ReturnDocument = ReturnDocument.After,
                Projection = Builders<ProfileDocument>.Projection.Expression(p => p.Preferences),
            };
            ProfilePreferences? preferences;
            try
            {
                preferences = await db.Profiles().FindOneAndUpdateAsync(filter, set.Combine(changes), options, cancellationToken);
            }
            catch (MongoException error) when (MongoErrors.IsDuplicateKey(error))
            {
                // Two first saves raced and the other one inserted the profile (the unique user_id
                // index kept it single); now there is one to update.
                preferences = await db.Profiles().FindOneAndUpdateAsync(filter, set.Combine(changes), options, cancellationToken);
            }

            // The limit as stored: the one sent, or the one kept when the body left it out.
            return new ProfileResponse(user.Id, command.Bio, command.AvatarUrl, command.LanguagePreference!, subtitles, playback, preferences?.MaxAudience);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPut("/me/profile", async (UpdateProfileRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(
                new Command(user.Id(), request.Bio, request.AvatarUrl, request.LanguagePreference, request.SubtitlePreferences, request.PlaybackPreferences, request.MaxAudience, request.MaxAudienceSent, UnknownFields.In(request.Unknown)),
                ct)))
        .WithName("UpdateProfile")
        .WithSummary("Save the signed-in user's profile")
        .WithDescription("Replaces the whole profile (PUT): an absent or null field is cleared, so send every field you keep; the one exception " +
            "is the parental limit `maxAudience`, which a body without it keeps (null removes it), so a client unaware of it never lifts it. " +
            "`subtitlePreferences` and `playbackPreferences` are the client's own free-form objects, returned exactly as sent.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized);
}
