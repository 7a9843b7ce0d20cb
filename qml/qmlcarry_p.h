// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QMLCARRY_P_H
#define QHOTRELOAD_QMLCARRY_P_H

// Carrying state from an old object to the one made again from its file's
// new text: which values count as changed (against the values the object
// had when it was made), matching the objects declared inside by id,
// objectName and position, converting through QVariant, and what could not
// be kept, by name.

#include "qmltree_p.h"

#include <QtCore/QHash>
#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QPair>
#include <QtCore/QPointer>
#include <QtCore/QSet>
#include <QtCore/QStringList>

#include <functional>

namespace QHotReload::Detail {

/*!
    \internal
    The values each followed object had when it was made (its baseline):
    a value that differs from it now was changed at run time.
*/
class QmlBaselines
{
public:
    //! Records the values of \a object and every object under it that has none yet (\a replace: all).
    void record(QObject *root, bool replace = false);
    //! The baseline of \a object, or nullptr if it has none (made after its scene was followed).
    const QmlTree::Values *find(QObject *object) const;

private:
    QHash<QObject *, QPair<QPointer<QObject>, QmlTree::Values>> m_values;
};

/*!
    \internal
    One carry from old objects to new ones of the same file. The bound names
    of a file (QmlTree::boundNames() of its old and new text) are never
    carried: the new file's binding decides.
*/
class QmlCarry
{
public:
    //! The names the file with URL \a file binds to an expression.
    using BoundNames = std::function<QSet<QByteArray>(const QUrl &file)>;

    QmlCarry(const QmlBaselines &baselines, BoundNames bound);

    /*!
        The values of \a old to give its new object: those changed at run
        time and, with \a pristine (the values of an untouched object of the
        old text), those the file that uses \a old set on it.
    */
    QVariantMap rootValues(QObject *old, const QmlTree::Values *pristine, const QUrl &file);

    //! Pairs \a old's declared objects with \a made's (and theirs inside, for nested files).
    void pair(QObject *old, QObject *made);
    //! The object made for \a old, or nullptr.
    QObject *madeFor(QObject *old) const { return m_newFor.value(old); }
    //! Writes \a values to \a made (values to carry that were computed before it was made).
    void write(QObject *made, const QVariantMap &values, QObject *old);
    //! Writes the changed values of every paired object inside.
    void carryPaired();

    int changed() const { return m_changed; }
    int kept() const { return m_kept; }
    //! "'count' of b1: not in the new file", once each.
    QStringList lost() const { return m_lost; }

private:
    QVariantMap changedValues(QObject *old, const QUrl &file);
    void pairInside(QObject *old, QObject *made);
    QString nameOf(QObject *object) const;
    bool convert(QVariant &value, const QMetaProperty &target) const;

    const QmlBaselines &m_baselines;
    BoundNames m_bound;
    QList<QPair<QObject *, QObject *>> m_pairs;
    QHash<QObject *, QObject *> m_newFor;
    QSet<QObject *> m_roots;
    int m_changed = 0;
    int m_kept = 0;
    QStringList m_lost;
};

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_QMLCARRY_P_H
