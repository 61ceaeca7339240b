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
/// is looked up only among the caller's own devices, so another user's device id is a 404.</summary>
public static class RemoveDevice
{
    public sealed record Command(string UserId, string DeviceId) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("user.device_removed", "user", UserDocument.CollectionName, UserId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.DeviceId)
            .MaximumLength(DeviceInputValidator.MaxDeviceIdLength)
            .WithMessage($"Device id must be at most {DeviceInputValidator.MaxDeviceIdLength} characters long.");
    }

    public sealed class Handler(MongoContext db, RefreshTokens refreshTokens, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            await db.GetActiveAsync(command.UserId, cancellationToken);
            var filter = Accounts.ActiveFilter(command.UserId)
                & Builders<UserDocument>.Filter.ElemMatch(u => u.Devices, d => d.DeviceId == command.DeviceId);
            var update = Builders<UserDocument>.Update
                .PullFilter(u => u.Devices, d => d.DeviceId == command.DeviceId)
                .Set(u => u.UpdatedAt, time.GetUtcNow().UtcDateTime);
            var removed = await db.Users().UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
            if (removed.ModifiedCount == 0)
            {
                throw new NotFoundException("Device");
            }

            await refreshTokens.RevokeDeviceAsync(command.UserId, command.DeviceId, cancellationToken);
            return Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/me/devices/{deviceId}", async (string deviceId, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(user.Id(), deviceId), ct);
            return TypedResults.NoContent();
        })
        .WithQueryRules<Command>()
        .WithName("RemoveDevice")
        .WithSummary("Remove one of the signed-in user's devices and sign it out")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
