using Microsoft.AspNetCore.Authorization;

namespace BayitPlus.Api.Infrastructure.Auth;

/// <summary>Part of every policy: the signed-in account still exists, is active, and (when
/// <see cref="Roles"/> is set) holds one of these roles now. An access token outlives a deactivation
/// or a demotion by up to its lifetime; this is what stops it from acting in that time.</summary>
public sealed class ActiveAccountRequirement(params string[] roles) : IAuthorizationRequirement
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

/// <summary>Why an <see cref="ActiveAccountRequirement"/> failed; a policy without roles answers an
/// inactive account with 401 (its token no longer stands for anyone), a role policy with 403.</summary>
public sealed class InactiveAccountReason(IAuthorizationHandler handler)
    : AuthorizationFailureReason(handler, "This account does not exist or is no longer active.");

public sealed class ActiveAccountHandler(IAccountStatus accounts) : AuthorizationHandler<ActiveAccountRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveAccountRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        var cancellation = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        var state = await accounts.FindAsync(context.User, cancellation);
        if (state is not { IsActive: true })
        {
            context.Fail(new InactiveAccountReason(this));
        }
        else if (requirement.Roles.Count > 0 && !requirement.Roles.Contains(state.Role))
        {
            context.Fail(new AuthorizationFailureReason(this, $"This account's role is now {state.Role}."));
        }
        else
        {
            context.Succeed(requirement);
        }
    }
}
