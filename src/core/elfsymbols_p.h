// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_ELFSYMBOLS_P_H
#define QHOTRELOAD_ELFSYMBOLS_P_H

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <vector>

namespace QHotReload::Internal {

//! A function a library defines, as its full symbol table (.symtab) names it.
struct ElfFunction
{
    QByteArray name;     //!< mangled, as the compiler emitted it
    quint64 value = 0;   //!< its address relative to the library's load base
    quint64 size = 0;    //!< its length in bytes (0: unknown)
    bool local = false;  //!< internal linkage (static, unnamed namespace)
};

//! What functionSymbols() found.
struct ElfFunctions
{
    enum Status {
        Read,        //!< the table was read (it may still list no function)
        Stripped,    //!< an ELF file without a .symtab: nothing to read
        Unsupported, //!< not a 64-bit little-endian ELF file, or a damaged one
    };
    Status status = Unsupported;
    std::vector<ElfFunction> functions;
};

/*!
    Every defined function (STT_FUNC, STT_GNU_IFUNC excluded) of the ELF
    shared library \a bytes, read from its full symbol table: hot libraries are
    built with hidden visibility, so the dynamic table alone (.dynsym) does not
    list them. Never reads past the end of \a bytes, which may be forged.
*/
ElfFunctions functionSymbols(QByteArrayView bytes);

} // namespace QHotReload::Internal

#endif
