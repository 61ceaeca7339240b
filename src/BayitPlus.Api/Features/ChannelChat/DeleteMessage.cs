using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>Admin: deletes a message (soft: <c>is_deleted</c>, with who, when and why; it also
/// stops being pinned). Connected clients get <c>deleted</c>; history, pins and the <c>connected</c>
/// frame leave it out. Audited in the same transaction.</summary>
public static class DeleteMessage
{
    public const int MaxReasonLength = 500;

    public sealed record Command(string ChannelId, string MessageId, string AdminId, string? Reason) : ICommand, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("chat.message_deleted", "chat_message", ChannelChatMessageDocument.CollectionName, MessageId, Atomic: true);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Reason)
            .NotEmpty().WithMessage("reason is required: say why the message is deleted.")
            .MaximumLength(MaxReasonLength).WithMessage($"reason must be at most {MaxReasonLength} characters long.");
    }

    public sealed class Handler(ChatMessages messages, TimeProvider time) : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var deleted = await messages.Collection.UpdateOneAsync(
                AuditTransaction.Required,
                ChatModeration.Visible(command.ChannelId, command.MessageId),
                Builders<ChannelChatMessageDocument>.Update
                    .Set(m => m.IsDeleted, true)
                    .Set(m => m.IsPinned, false)
                    .Set(m => m.DeletedAt, time.GetUtcNow().UtcDateTime)
                    .Set(m => m.DeletedBy, command.AdminId)
                    .Set(m => m.DeletedReason, command.Reason!.Trim()),
                cancellationToken: cancellationToken);
            return deleted.MatchedCount == 0 ? throw new NotFoundException("Chat message") : Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapDelete("/messages/{messageId}", async (string channelId, string messageId, string? reason, HttpContext http, ISender sender, CancellationToken ct) =>
        {
            await sender.Send(new Command(ChatModeration.ChannelId(channelId), ChatModeration.MessageId(messageId), http.User.Id(), reason), ct);
            return TypedResults.NoContent();
        })
        .WithQueryRules<Command>()
        .WithName("DeleteChatMessage")
        .WithSummary("Admin: delete a chat message")
        .WithDescription("Soft-deletes a message of the channel with the reason given (`reason`, required); connected clients get a " +
            "`deleted` frame and the message leaves the history and the pins. 404 for an unknown or already deleted message, or one of another channel.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
