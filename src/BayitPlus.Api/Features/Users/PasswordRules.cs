using BayitPlus.Api.Infrastructure.Validation;
using FluentValidation;

namespace BayitPlus.Api.Features.Users;

/// <summary>The password policy, shared by registration and password change.</summary>
public static class PasswordRules
{
    public const int MinLength = 8;

    /// <summary>BCrypt reads at most 72 bytes; a longer password would be silently cut.</summary>
    public const int MaxBytes = 72;

    public static IRuleBuilderOptions<T, string?> StrongPassword<T>(this IRuleBuilder<T, string?> rule) => rule
        .NotEmpty().WithMessage("Password is required.")
        .MinimumLength(MinLength).WithMessage($"Password must be at least {MinLength} characters long.")
        .MaxBytes(MaxBytes).WithMessage($"Password must be at most {MaxBytes} bytes long.")
        .Must(p => p is null || p.Any(char.IsLetter)).WithMessage("Password must contain at least one letter.")
        .Must(p => p is null || p.Any(char.IsDigit)).WithMessage("Password must contain at least one digit.");
}
