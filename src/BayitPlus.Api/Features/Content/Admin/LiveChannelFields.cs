using BayitPlus.Api.Infrastructure.Audit;
using FluentValidation;

namespace BayitPlus.Api.Features.Content.Admin;

/// <summary>The fields of a live TV channel an admin edits.</summary>
public sealed class LiveChannelFields
{
    public const int MaxChannelNumber = 9999;

    public static readonly CatalogResource<LiveChannelDocument, LiveChannelFields, LiveChannelAdminResponse> Resource = new()
    {
        Prefix = "/api/admin/live/channels",
        Tag = "Admin: Live channels",
        OperationName = "LiveChannel",
        Noun = "live channel",
        CreateSummary = "Add a live TV channel",
        DeleteSummary = "Remove a live channel",
        Collection = LiveChannelDocument.CollectionName,
        Name = "Live channel",
        AuditType = "live_channel",
    };

    public string? ChannelName { get; set; }

    public int? ChannelNumber { get; set; }

    public string? StreamUrl { get; set; }

    public string? LogoUrl { get; set; }

    public string? Language { get; set; }

    public string? Country { get; set; }

    public bool IsActive { get; set; } = true;

    public bool SupportsDubbing { get; set; }

    public bool EpgEnabled { get; set; }

    public sealed class Validator : AbstractValidator<LiveChannelFields>
    {
        public Validator()
        {
            RuleFor(c => c.ChannelName).Required("channelName", CatalogRules.MaxNameLength);
            RuleFor(c => c.ChannelNumber).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("channelNumber is required.")
                .InclusiveBetween(1, MaxChannelNumber).WithMessage($"channelNumber must be between 1 and {MaxChannelNumber}.");
            RuleFor(c => c.StreamUrl).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("streamUrl is required.").HttpUrl("streamUrl");
            RuleFor(c => c.LogoUrl).HttpUrl("logoUrl");
            RuleFor(c => c.Language).Language("language");
            RuleFor(c => c.Country).Country("country");
        }
    }
}

/// <summary>A live channel as admins see it.</summary>
public sealed record LiveChannelAdminResponse(
    string Id,
    string ChannelName,
    int ChannelNumber,
    string StreamUrl,
    string? LogoUrl,
    string? Language,
    string? Country,
    bool IsActive,
    bool SupportsDubbing,
    bool EpgEnabled,
    DateTime CreatedAt,
    DateTime? UpdatedAt) : IHasId;
