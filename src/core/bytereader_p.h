// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BYTEREADER_P_H
#define QHOTRELOAD_BYTEREADER_P_H

#include <QtCore/QByteArrayView>
#include <QtCore/QtEndian>

#include <cstring>

namespace QHotReload::Internal {

//! Reads little- or big-endian integers from a library's bytes, never past
//! their end (callers ask has() first): the bytes may be cut short or forged.
class ByteReader
{
public:
    ByteReader(QByteArrayView bytes, bool bigEndian) : m_bytes(bytes), m_big(bigEndian) {}

    bool has(quint64 offset, quint64 length) const
    {
        const auto size = quint64(m_bytes.size());
        return offset <= size && length <= size - offset;
    }
    template <typename T> T get(quint64 offset) const
    {
        T v;
        std::memcpy(&v, m_bytes.data() + offset, sizeof(T));
        return m_big ? qFromBigEndian(v) : qFromLittleEndian(v);
    }
    quint64 size() const { return quint64(m_bytes.size()); }
    const char *data() const { return m_bytes.data(); }

private:
    QByteArrayView m_bytes;
    bool m_big;
};

} // namespace QHotReload::Internal

#endif
