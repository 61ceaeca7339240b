using System.Text.Json;
using System.Text.Json.Serialization;
using BayitPlus.Api.Infrastructure.Audit;
using BayitPlus.Api.Infrastructure.Auth;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Errors;
using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;
using Mediator;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.ChannelChat;

/// <summary>The body of <c>POST /api/admin/live/channels/{channelId}/chat/mutes</c>.</summary>
[ValidatedAs(typeof(MuteUser.Command))]
public sealed record MuteUserRequest
{
    /// <summary>The account to mute.</summary>
    public string? UserId { get; init; }

    /// <summary>How long, in whole minutes.</summary>
    public int? Minutes { get; init; }

    /// <summary>Why (kept with the mute and in the audit trail).</summary>
    public string? Reason { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}

/// <summary>Admin: mutes a user in a channel for some minutes (muting a muted user sets the new
/// end). Stored, so it holds on every instance and across restarts; the user's open sockets get
/// <c>muted</c>, and their messages are refused with <c>error muted</c> until it ends. Audited in
/// the same transaction.</summary>
public static class MuteUser
{
    public sealed record Command(string ChannelId, string? UserId, int? Minutes, string? Reason, string AdminId, IReadOnlyList<string> UnknownFields) : ICommand<ChatMuteResponse>, IAuditedCommand
    {
        AuditTarget IAuditedCommand.Audit => new("chat.user_muted", "chat_mute", ChatMuteDocument.CollectionName,
            ChatMuteDocument.KeyOf(ChannelId, UserId?.ToLowerInvariant() ?? ""), KeyField: "mute_key", Atomic: true);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(ChatSettings settings)
        {
            RuleFor(c => c.UnknownFields).AreRefused(typeof(MuteUserRequest));
            RuleFor(c => c.UserId).NotEmpty().WithMessage("userId is required.")
                .MaximumLength(24).WithMessage("userId must be an account id (24 hexadecimal digits).")
                .Must(Ids.IsValid).WithMessage("userId must be an account id (24 hexadecimal digits).");
            RuleFor(c => c.Minutes).NotNull().WithMessage("minutes is required.")
                .InclusiveBetween(1, settings.MaxMuteMinutes).WithMessage($"minutes must be a whole number from 1 to {settings.MaxMuteMinutes}.");
            RuleFor(c => c.Reason).NotEmpty().WithMessage("reason is required.")
                .MaximumLength(DeleteMessage.MaxReasonLength).WithMessage($"reason must be at most {DeleteMessage.MaxReasonLength} characters long.");
        }
    }

    public sealed class Handler(ChatMessages chat, ILiveChannels channels, TimeProvider time) : ICommandHandler<Command, ChatMuteResponse>
    {
        public async ValueTask<ChatMuteResponse> Handle(Command command, CancellationToken cancellationToken)
        {
            if (!await channels.IsActiveAsync(command.ChannelId, cancellationToken))
            {
                throw new NotFoundException("Channel");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var userId = command.UserId!.ToLowerInvariant();
            var mute = await chat.Mutes.FindOneAndUpdateAsync(
                AuditTransaction.Required,
                Builders<ChatMuteDocument>.Filter.Eq(m => m.MuteKey, ChatMuteDocument.KeyOf(command.ChannelId, userId)),
                Builders<ChatMuteDocument>.Update
                    .Set(m => m.MuteKey, ChatMuteDocument.KeyOf(command.ChannelId, userId))
                    .Set(m => m.ChannelId, command.ChannelId)
                    .Set(m => m.UserId, userId)
                    .Set(m => m.Until, now.AddMinutes(command.Minutes!.Value))
                    .Set(m => m.Reason, command.Reason!.Trim())
                    .Set(m => m.MutedBy, command.AdminId)
                    .Set(m => m.CreatedAt, now),
                new FindOneAndUpdateOptions<ChatMuteDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
                cancellationToken);
            return ChatMuteResponse.From(mute);
        }
    }

    internal static void Map(RouteGroupBuilder group) => group
        .MapPost("/mutes", async (string channelId, MuteUserRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Command(ChatModeration.ChannelId(channelId), request.UserId, request.Minutes, request.Reason, http.User.Id(), UnknownFields.In(request.Unknown)), ct)))
        .WithName("MuteChatUser")
        .WithSummary("Admin: mute a user in a channel's chat")
        .WithDescription("The user's messages in this channel are refused (`error muted`) until the mute ends; their open sockets get a " +
            "`muted` frame. Muting a muted user sets the new end. 404 for an unknown or inactive channel.")
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
}
