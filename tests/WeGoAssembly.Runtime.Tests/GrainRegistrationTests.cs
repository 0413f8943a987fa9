using Microsoft.Extensions.DependencyInjection;

namespace WeGoAssembly.Runtime.Tests;

public sealed class GrainRegistrationTests
{
    public interface IBadGrain : IGrainWithStringKey
    {
        int Count();
    }

    public sealed class BadGrain : Grain, IBadGrain
    {
        public int Count() => 0;
    }

    public interface IUnmarkedStateGrain : IGrainWithStringKey
    {
        Task PingAsync();
    }

    public sealed class UnmarkedStateGrain(IPersistentState<CounterState> state) : Grain, IUnmarkedStateGrain
    {
        public Task PingAsync() => Task.FromResult(state.State);
    }

    public sealed class MemberCityGrain : Grain;

    public sealed class GAVoteGrain : Grain;

    public sealed class Grain2Grain : Grain;

    [Fact]
    public void A_method_that_does_not_return_a_task_is_refused_at_registration()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGrain<IBadGrain, BadGrain>());

        Assert.Contains("Count", exception.Message);
        Assert.Contains("Task", exception.Message);
    }

    [Fact]
    public void A_state_parameter_without_its_attribute_is_refused_at_registration()
    {
        var exception = Assert.Throws<InvalidOperationException>(
            () => new ServiceCollection().AddGrain<IUnmarkedStateGrain, UnmarkedStateGrain>());

        Assert.Contains("PersistentState", exception.Message);
    }

    [Fact]
    public async Task A_grain_that_is_not_registered_cannot_be_referenced()
    {
        await using var services = new ServiceCollection().AddGrainRuntime().BuildServiceProvider();

        var exception = Assert.Throws<InvalidOperationException>(
            () => services.GetRequiredService<IGrainFactory>().GetGrain<ICounterGrain>("x"));

        Assert.Contains("AddGrain<ICounterGrain", exception.Message);
    }

    public interface IFirstGrain : IGrainWithStringKey
    {
        Task PingAsync();
    }

    public interface ISecondGrain : IGrainWithStringKey
    {
        Task PingAsync();
    }

    [GrainType("same-name")]
    public sealed class FirstGrain : Grain, IFirstGrain
    {
        public Task PingAsync() => Task.CompletedTask;
    }

    [GrainType("same-name")]
    public sealed class SecondGrain : Grain, ISecondGrain
    {
        public Task PingAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task Two_grain_classes_with_one_type_name_are_refused_when_the_runtime_starts()
    {
        await using var services = new ServiceCollection()
            .AddGrainRuntime()
            .AddGrain<IFirstGrain, FirstGrain>()
            .AddGrain<ISecondGrain, SecondGrain>()
            .BuildServiceProvider();

        var exception = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IGrainFactory>());

        Assert.Contains("same-name", exception.Message);
    }

    [Fact]
    public void Grain_type_names_come_from_the_attribute_or_the_class_name_in_kebab_case()
    {
        Assert.Equal("counter", GrainTypeName.Of<CounterGrain>());
        Assert.Equal("member-city", GrainTypeName.Of<MemberCityGrain>());
        Assert.Equal("ga-vote", GrainTypeName.Of<GAVoteGrain>());
        Assert.Equal("grain2", GrainTypeName.Of<Grain2Grain>());
        Assert.Equal("lazy-counter-v1", GrainTypeName.Of<LazyCounterGrain>());
    }

    [Fact]
    public async Task Invalid_options_fail_when_the_runtime_is_created()
    {
        await using var services = new ServiceCollection().AddGrainRuntime(o => o.IdleTimeout = TimeSpan.Zero).BuildServiceProvider();

        var exception = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<GrainRuntime>());

        Assert.Contains("IdleTimeout", exception.Message);
    }
}
