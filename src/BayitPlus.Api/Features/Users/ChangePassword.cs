using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using FluentValidation.Results;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>The body of <c>POST /api/users/me/password</c>.</summary>
[ValidatedAs(typeof(ChangePassword.Command))]
public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

/// <summary>Changes the signed-in user's password and signs out every session (all refresh tokens
/// revoked). A wrong current password is a 400 on <c>currentPassword</c>: the caller is signed in,
/// so it is a typing mistake to show next to the field, not an authentication failure (a 401 would
/// tell clients to drop their session). An account without a password (Firebase sign-in only) is a
/// 409 on <c>currentPassword</c>: the request conflicts with how the account signs in.</summary>
public static class ChangePassword
{
    public sealed record Command(string UserId, string CurrentPassword, string NewPassword) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.password_changed", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            // A longer one cannot be correct: BCrypt reads no more, so no stored password is longer.
            RuleFor(c => c.CurrentPassword).NotEmpty().WithMessage("Current password is required.")
                .MaxBytes(PasswordRules.MaxBytes).WithMessage($"Current password must be at most {PasswordRules.MaxBytes} bytes long.");
            RuleFor(c => c.NewPassword).Cascade(CascadeMode.Stop).StrongPassword()
                .Must((command, password) => password != command.CurrentPassword)
                .WithMessage("The new password must differ from the current one.");
        }
    }

    public sealed class Handler(MongoContext db, PasswordHasher hasher, RefreshTokens refreshTokens, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(command.UserId, cancellationToken);
            if (user.PasswordHash is null)
            {
                throw new ConflictException("currentPassword", "This account has no password: it signs in through Firebase.");
            }

            if (!hasher.Verify(command.CurrentPassword, user.PasswordHash))
            {
                throw new ValidationException([new ValidationFailure("currentPassword", "The current password is not correct.")]);
            }

            // Matching the old hash makes two concurrent changes safe: only the first one applies.
            var changed = await db.Users().UpdateOneAsync(
                Accounts.ActiveFilter(user.Id) & Builders<UserDocument>.Filter.Eq(u => u.PasswordHash, user.PasswordHash),
                Builders<UserDocument>.Update
                    .Set(u => u.PasswordHash, hasher.Hash(command.NewPassword))
                    .Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime),
                cancellationToken: cancellationToken);
            if (changed.ModifiedCount == 0)
            {
                throw new ConflictException("currentPassword", "The password was changed by another request; sign in again.");
            }

            await refreshTokens.RevokeAllAsync(user.Id, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/me/password", async (ChangePasswordRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id(), request.CurrentPassword, request.NewPassword), ct);
            return TypedResults.NoContent();
        })
        .WithName("ChangePassword")
        .WithSummary("Change the signed-in user's password; signs out every device")
        .WithDescription("Answers 204 and revokes every refresh token of the account, this device's too: sign in again with the new " +
            "password. A wrong currentPassword is a 400 on `currentPassword` (not a 401: the session stays valid until then); an " +
            "account that signs in only through Firebase has no password (409 on `currentPassword`).")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict);
}
