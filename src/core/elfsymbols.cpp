// SPDX-License-Identifier: MIT
// The functions of an ELF library by its full symbol table (see
// elfsymbols_p.h); read for the redirection of retired versions.
#include "elfsymbols_p.h"

#include "bytereader_p.h"

namespace QHotReload::Internal {

namespace {
// The ELF names: SHT_SYMTAB, SHN_UNDEF, SHN_LORESERVE, STT_FUNC, STB_LOCAL, sizeof(Elf64_Sym).
enum : quint32 { ElfShtSymtab = 2, ElfShnUndef = 0, ElfShnLoreserve = 0xff00, ElfSttFunc = 2, ElfStbLocal = 0,
                 Elf64SymSize = 24 };
} // namespace

ElfFunctions functionSymbols(QByteArrayView bytes)
{
    ElfFunctions result;
    // ELF64, little-endian: what x86-64 (the one architecture redirected so
    // far) loads.
    if (bytes.size() < 64 || !bytes.startsWith("\x7f" "ELF") || bytes[4] != 2 || bytes[5] != 1)
        return result;
    const ByteReader r(bytes, false);
    const quint64 shoff = r.get<quint64>(40);
    const quint16 shentsize = r.get<quint16>(58);
    const quint16 shnum = r.get<quint16>(60);
    if (shentsize < 64 || !r.has(shoff, quint64(shnum) * shentsize))
        return result;
    const auto section = [&](quint64 i) { return shoff + i * shentsize; };
    for (quint64 i = 1; i < shnum; ++i) {
        const quint64 s = section(i);
        if (r.get<quint32>(s + 4) != ElfShtSymtab)
            continue;
        const quint64 offset = r.get<quint64>(s + 24);
        const quint64 size = r.get<quint64>(s + 32);
        const quint32 link = r.get<quint32>(s + 40);
        const quint64 entry = r.get<quint64>(s + 56);
        if (link == 0 || link >= shnum || entry < Elf64SymSize || !r.has(offset, size))
            return result;
        const quint64 names = section(link);
        const quint64 namesOffset = r.get<quint64>(names + 24);
        const quint64 namesSize = r.get<quint64>(names + 32);
        if (!r.has(namesOffset, namesSize))
            return result;
        const QByteArrayView table(r.data() + namesOffset, qsizetype(namesSize));
        for (quint64 at = offset; at + entry <= offset + size; at += entry) {
            const quint32 name = r.get<quint32>(at);
            const quint8 info = quint8(r.data()[at + 4]);
            const quint16 index = r.get<quint16>(at + 6);
            if ((info & 0xf) != ElfSttFunc || index == ElfShnUndef || index >= ElfShnLoreserve
                || name == 0 || name >= quint64(table.size()))
                continue;
            const QByteArrayView rest = table.sliced(name);
            const qsizetype end = rest.indexOf('\0');
            if (end <= 0)
                continue; // unnamed, or a name running off the table
            ElfFunction function;
            function.name = rest.first(end).toByteArray();
            function.value = r.get<quint64>(at + 8);
            function.size = r.get<quint64>(at + 16);
            function.local = (info >> 4) == ElfStbLocal;
            result.functions.push_back(std::move(function));
        }
        result.status = ElfFunctions::Read;
        return result;
    }
    result.status = ElfFunctions::Stripped;
    return result;
}

} // namespace QHotReload::Internal
