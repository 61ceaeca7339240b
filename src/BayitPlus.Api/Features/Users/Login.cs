using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Http;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Security;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Bson;
using MongoDB.Driver;
using Severity = BayitPlus.Api.Infrastructure.Security.Severity;

namespace BayitPlus.Api.Features.Users;

public static class Login
{
    /// <summary>Wrong email, wrong password and an inactive account all read the same, so the
    /// answer never tells whether an account exists.</summary>
    public const string InvalidCredentials = "The email or password is incorrect.";

    public sealed record Command(string Email, string Password, DeviceInput Device) : ICommand<TokensResponse>
    {
        /// <summary>The caller's address, from the connection (never from the body).</summary>
        [JsonIgnore]
        public string? IpAddress { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().WithMessage("Email is required.")
                .MaximumLength(254).WithMessage("Email must be at most 254 characters long.")
                .EmailAddress().WithMessage("Email is not a valid email address.");
            RuleFor(c => c.Password).NotEmpty().WithMessage("Password is required.")
                .MaxBytes(PasswordRules.MaxBytes).WithMessage($"Password must be at most {PasswordRules.MaxBytes} bytes long.");
            RuleFor(c => c.Device).NotNull().WithMessage("Device is required.").SetValidator(new DeviceInputValidator());
        }
    }

    public sealed class Handler(MongoContext db, PasswordHasher hasher, LoginLockout lockout, DeviceRegistration devices, RefreshTokens tokens, ISecurityEvents events)
        : ICommandHandler<Command, TokensResponse>
    {
        public async ValueTask<TokensResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            var email = Emails.Normalize(command.Email);

            // A locked email is refused before its password is looked at, so guessing on gains nothing.
            try
            {
                await lockout.ThrowIfLockedAsync(email, cancellationToken);
            }
            catch (TooManyRequestsException)
            {
                Record(UserSecurityEvents.SignInWhileLocked, Severity.Medium, null, command, email);
                throw;
            }

            var user = await db.Collection<UserDocument>(UserDocument.CollectionName)
                .Find(u => u.Email == email).FirstOrDefaultAsync(cancellationToken);

            // Verify always runs (against a decoy hash when there is no account or no password), so
            // timing does not separate unknown emails from wrong passwords either.
            if (!hasher.Verify(command.Password, user?.PasswordHash) || user is not { IsActive: true })
            {
                Record(UserSecurityEvents.SignInFailed, Severity.Medium, user?.Id, command, email);
                if (await lockout.RecordFailureAsync(email, cancellationToken))
                {
                    Record(UserSecurityEvents.AccountLocked, Severity.High, user?.Id, command, email);
                }

                throw new UnauthorizedException(InvalidCredentials);
            }

            var deviceId = await devices.RegisterAsync(user.Id, command.Device, command.IpAddress, cancellationToken);
            await lockout.ClearAsync(email, cancellationToken);
            Record(UserSecurityEvents.SignInSucceeded, Severity.Low, user.Id, command, email);
            return await tokens.IssueAsync(user, deviceId, cancellationToken);
        }

        /// <summary>The email is the only detail: never the password, not even a wrong one.</summary>
        private void Record(string eventType, string severity, string? userId, Command command, string email) =>
            events.Record(new SecurityEvent(eventType, severity, userId, command.IpAddress, new BsonDocument("email", email)));
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/login", async (Command command, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(command with { IpAddress = http.Connection.RemoteIpAddress?.ToString() }, ct)))
        .WithName("Login")
        .WithSummary("Sign in with email and password; registers or refreshes the calling device")
        .WithDescription("Returns `{ accessToken, refreshToken, expiresAt }`: send the access token as `Authorization: Bearer …` " +
            "until `expiresAt` (15 minutes by default), then exchange the refresh token (valid 30 days, single use) at " +
            "POST /api/auth/refresh.\n\n" +
            "`device.deviceId` is the client's own stable id for this installation (any string up to 200 characters, e.g. a UUID " +
            "it generated once and kept). Signing in again with the same deviceId updates that device instead of adding one; " +
            "the device later removes itself with the same deviceId (DELETE /api/users/me/devices/{deviceId}). An account has at " +
            "most 10 devices (Users:MaxDevices): a new device beyond that is a 409 on `device`, and one must be removed first.\n\n" +
            "401 for a wrong email or password and for an inactive account alike (the answer never tells whether an account " +
            "exists). After 5 failed sign-ins within 15 minutes the email is locked for 15 minutes: 429 with Retry-After, even " +
            "with the right password. Limited to 5 requests per minute per client IP (429 with Retry-After).")
        .AllowAnonymous()
        .WithNoStore()
        .RequireRateLimiting(UsersRateLimits.Login)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
