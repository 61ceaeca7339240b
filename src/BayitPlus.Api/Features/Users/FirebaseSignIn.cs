using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Users;

public static class FirebaseSignIn
{
    /// <summary>Firebase ID tokens are about 1 KB; this bounds what is parsed.</summary>
    public const int MaxTokenLength = 8192;

    public sealed record Command(string IdToken, DeviceInput Device) : ICommand<TokensResponse>
    {
        /// <summary>The caller's address, from the connection (never from the body).</summary>
        [JsonIgnore]
        public string? IpAddress { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.IdToken)
                .NotEmpty().WithMessage("ID token is required.")
                .MaximumLength(MaxTokenLength).WithMessage($"ID token must be at most {MaxTokenLength} characters long.");
            RuleFor(c => c.Device).NotNull().WithMessage("Device is required.").SetValidator(new DeviceInputValidator());
        }
    }

    public sealed class Handler(MongoContext db, FirebaseIdTokens firebase, DeviceRegistration devices, RefreshTokens tokens, TimeProvider time, ISecurityEvents events)
        : ICommandHandler<Command, TokensResponse>
    {
        private const int NameMaxLength = 100;

        private IMongoCollection<UserDocument> Users => db.Collection<UserDocument>(UserDocument.CollectionName);

        public async ValueTask<TokensResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            FirebaseIdentity identity;
            try
            {
                identity = await firebase.ValidateAsync(command.IdToken, cancellationToken);
            }
            catch (UnauthorizedException)
            {
                // Why the token was refused is logged by FirebaseIdTokens; the token itself is never recorded.
                events.Record(new SecurityEvent(UserSecurityEvents.FirebaseTokenInvalid, Severity.Medium, null, command.IpAddress));
                throw;
            }

            var user = await FindOrCreateAsync(identity, cancellationToken);
            if (!user.IsActive)
            {
                throw new UnauthorizedException("The account is not available.");
            }

            var deviceId = await devices.RegisterAsync(user.Id, command.Device, command.IpAddress, cancellationToken);
            return await tokens.IssueAsync(user, deviceId, cancellationToken);
        }

        /// <summary>The account of this Firebase uid; else the account of its verified email, which
        /// gets linked; else a new account. An unverified email never links: whoever controls the
        /// Firebase account has not shown they own the address.</summary>
        private async Task<UserDocument> FindOrCreateAsync(FirebaseIdentity identity, CancellationToken ct)
        {
            for (var attempt = 0; ; attempt++)
            {
                var known = await Users.Find(u => u.FirebaseUid == identity.Uid).FirstOrDefaultAsync(ct);
                if (known is not null)
                {
                    return known;
                }

                var now = time.GetUtcNow().UtcDateTime;
                if (identity is { Email: { } verifiedEmail, EmailVerified: true })
                {
                    var linked = await Users.FindOneAndUpdateAsync(
                        u => u.Email == verifiedEmail && u.FirebaseUid == null,
                        Builders<UserDocument>.Update.Set(u => u.FirebaseUid, identity.Uid).Set(u => u.UpdatedAt, now),
                        new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
                        ct);
                    if (linked is not null)
                    {
                        return linked;
                    }
                }

                var email = identity.Email
                    ?? throw new ValidationException([new ValidationFailure(nameof(Command.IdToken), "The Firebase account has no email address; sign in with a provider that shares one.")]);
                var user = new UserDocument
                {
                    Email = email,
                    Name = NameOf(identity, email),
                    FirebaseUid = identity.Uid,
                    Role = Roles.User,
                    IsActive = true,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                try
                {
                    await Users.InsertOneAsync(user, cancellationToken: ct);
                    return user;
                }
                catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey && attempt == 0)
                {
                    // A parallel first sign-in of the same uid created the account: look again. A second
                    // duplicate is an email taken by another account, answered as 409 on email.
                }
            }
        }

        private static string NameOf(FirebaseIdentity identity, string email)
        {
            var name = identity.Name ?? email[..Math.Max(email.IndexOf('@', StringComparison.Ordinal), 1)];
            return name.Length <= NameMaxLength ? name : name[..NameMaxLength];
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/firebase", async (Command command, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(command with { IpAddress = http.Connection.RemoteIpAddress?.ToString() }, ct)))
        .WithName("FirebaseSignIn")
        .WithSummary("Exchange a Firebase ID token for our tokens; links or creates the account and registers the calling device")
        .WithDescription("Send the ID token from the Firebase client SDK (`getIdToken()`) and the calling device, as for " +
            "POST /api/auth/login; returns the same `{ accessToken, refreshToken, expiresAt }`. The account is the one already " +
            "linked to this Firebase user; else the account with the same email when Firebase has verified that email (it gets " +
            "linked); else a new account with role `user`.\n\n" +
            "400 when the Firebase account shares no email; 401 when the ID token is invalid or expired, or the account is no " +
            "longer active; 409 on `device` when the account already has 10 devices, or on `email` when the email belongs to " +
            "another account that cannot be linked (Firebase has not verified the email, or that account is linked to another " +
            "Firebase user); 503 (with Retry-After) when Firebase sign-in is not configured or " +
            "Google's signing keys cannot be fetched. Limited to 5 requests per minute per client IP, shared with password " +
            "sign-in (429 with Retry-After).")
        .AllowAnonymous()
        .WithNoStore()
        .RequireRateLimiting(UsersRateLimits.Login)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
