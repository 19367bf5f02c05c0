#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace gwb {

// What went wrong, in one sentence a user can act on ("cannot read X: permission denied; ...").
struct Error
{
    enum class Kind { Usage, Input, Parse, Io, Network, Permission, HostKey, Cancelled, Internal };
    Kind kind = Kind::Internal;
    QString message;

    static Error input(QString m) { return {Kind::Input, std::move(m)}; }
    static Error parse(QString m) { return {Kind::Parse, std::move(m)}; }
    static Error io(QString m) { return {Kind::Io, std::move(m)}; }
};

// A value or the Error explaining why there is none (std::expected is C++23; this is the subset we use).
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace gwb
