using System.ComponentModel;
using System.Security.Claims;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Mongo;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Users;

/// <summary>Removes one of the signed-in user's devices and revokes its refresh tokens. The device
/// is named by the <c>deviceId</c> it signed in with (hashed here, as it is stored) or by the
/// <c>id</c> the device list shows (the stored hash itself), so no client ever computes a hash. It
/// is looked up only among the caller's own devices, so another user's device is a 404 either way.</summary>
public static class RemoveDevice
{
    public sealed record Command(string UserId, string DeviceId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.device_removed", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.DeviceId)
            .MaximumLength(DeviceInputValidator.MaxDeviceIdLength).WithMessage($"Device id must be at most {DeviceInputValidator.MaxDeviceIdLength} characters long.");
    }

    public sealed class Handler(MongoContext db, RefreshTokens refreshTokens, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var user = await db.GetActiveAsync(command.UserId, cancellationToken);
            var stored = StoredId(user, command.DeviceId) ?? throw new NotFoundException("Device");

            // Guarded by the element as well: a parallel removal of the same device is a 404 here.
            var filter = Accounts.ActiveFilter(command.UserId)
                & Builders<UserDocument>.Filter.ElemMatch(u => u.Devices, d => d.DeviceId == stored);
            var update = Builders<UserDocument>.Update
                .PullFilter(u => u.Devices, d => d.DeviceId == stored)
                .Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime);
            var removed = await db.Users().UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
            if (removed.ModifiedCount == 0)
            {
                throw new NotFoundException("Device");
            }

            await refreshTokens.RevokeDeviceAsync(command.UserId, stored, cancellationToken);
            return Unit.Value;
        }

        /// <summary>The stored id of the device <paramref name="given"/> names. The raw id a device
        /// signed in with is tried first, so a client whose own id happens to look like a hash still
        /// removes its own device.</summary>
        private static string? StoredId(UserDocument user, string given)
        {
            var hashed = DeviceRegistration.HashDeviceId(given);
            return user.Devices.Any(d => d.DeviceId == hashed) ? hashed
                : user.Devices.Any(d => d.DeviceId == given) ? given
                : null;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me/devices/{deviceId}", async (
            [Description("The device: either the deviceId it sent when it signed in (what a device uses to remove itself), or the id the device list shows for it (what a device-management screen uses for the others).")]
            string deviceId,
            ClaimsPrincipal user,
            ISender sender,
            CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id(), deviceId), ct);
            return TypedResults.NoContent();
        })
        .WithQueryRules<Command>()
        .WithName("RemoveDevice")
        .WithSummary("Remove one of the signed-in user's devices and sign it out")
        .WithDescription("The device's refresh tokens are revoked at once; an access token it already holds keeps working until it expires (minutes). " +
            "Either id works: the raw deviceId sent at sign-in or the id from GET /api/users/me/devices; a client never computes a hash. " +
            "404 when no device of the signed-in account has that id (another account's devices are never reachable).")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
